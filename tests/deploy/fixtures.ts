import type { CfnResource, CfnTemplate } from './checks';

/**
 * Small hand-built CloudFormation in the shape `sls package --stage prod` produces for the three
 * services, satisfying every check. checks.test.ts breaks one property at a time in a copy.
 */

const PREFIX = 'order-pipeline-prod';
export const EXPORTS = {
  ordersQueueArn: `${PREFIX}-OrdersQueueArn`,
  ordersQueueUrl: `${PREFIX}-OrdersQueueUrl`,
  deadLetterQueueArn: `${PREFIX}-OrdersDeadLetterQueueArn`,
  ordersTableArn: `${PREFIX}-OrdersTableArn`,
  ordersTableName: `${PREFIX}-OrdersTableName`,
  storesTableArn: `${PREFIX}-StoresTableArn`,
} as const;

export const CONTEXT = { stackName: 'order-consumer-prod', region: 'eu-west-1' };

const importValue = (name: string) => ({ 'Fn::ImportValue': name });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

const logGroup = (functionName: string): CfnResource => ({
  Type: 'AWS::Logs::LogGroup',
  Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: 30 },
});

const lambda = (functionName: string, role: string, timeout = 10): CfnResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    FunctionName: functionName,
    Handler: 'src/handler.handler',
    Runtime: 'nodejs22.x',
    Timeout: timeout,
    TracingConfig: { Mode: 'Active' },
    Role: arnOf(role),
  },
});

const role = (name: string, logGroupName: string, statements: Record<string, unknown>[]): CfnResource => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    Policies: [
      {
        PolicyName: name,
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Logs',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: {
                'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroupName}:*`,
              },
            },
            {
              Sid: 'Tracing',
              Effect: 'Allow',
              Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
              Resource: '*',
            },
            ...statements,
          ],
        },
      },
    ],
  },
});

/** An on-demand table, encrypted, with point-in-time recovery. */
const table = (tableName: string): CfnResource => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    SSESpecification: { SSEEnabled: true },
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  },
});

const sqsEventSource = (functionId: string, queueArn: unknown, window: number, concurrency: number) => ({
  Type: 'AWS::Lambda::EventSourceMapping',
  Properties: {
    BatchSize: 10,
    MaximumBatchingWindowInSeconds: window,
    EventSourceArn: queueArn,
    FunctionName: arnOf(functionId),
    Enabled: true,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: concurrency },
  },
});

export const orderConsumerTemplate = (): CfnTemplate => ({
  Resources: {
    ProcessOrdersLogGroup: logGroup('order-consumer-prod-processOrders'),
    ProcessOrdersLambdaFunction: lambda('order-consumer-prod-processOrders', 'ProcessOrdersRole'),
    ProcessOrdersEventSourceMappingSQSOrdersQueue: sqsEventSource(
      'ProcessOrdersLambdaFunction',
      arnOf('OrdersQueue'),
      1,
      10,
    ),
    OrdersDeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${PREFIX}-orders-dlq`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
        VisibilityTimeout: 60,
      },
    },
    OrdersQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${PREFIX}-orders`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 345600,
        VisibilityTimeout: 60,
        RedrivePolicy: { deadLetterTargetArn: arnOf('OrdersDeadLetterQueue'), maxReceiveCount: 5 },
      },
    },
    OrdersQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'OrdersQueue' }, { Ref: 'OrdersDeadLetterQueue' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sqs:*',
              Resource: [arnOf('OrdersQueue'), arnOf('OrdersDeadLetterQueue')],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    OrdersTable: table(`${PREFIX}-orders`),
    StoresTable: table(`${PREFIX}-stores`),
    ProcessOrdersRole: role('process-orders', '/aws/lambda/order-consumer-prod-processOrders', [
      {
        Sid: 'ConsumeOrdersQueue',
        Effect: 'Allow',
        Action: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        Resource: arnOf('OrdersQueue'),
      },
      { Sid: 'WriteOrders', Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: arnOf('OrdersTable') },
      { Sid: 'ReadStores', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: arnOf('StoresTable') },
    ]),
  },
  Outputs: {
    OrdersQueueUrl: { Value: { Ref: 'OrdersQueue' }, Export: { Name: EXPORTS.ordersQueueUrl } },
    // Export names as intrinsics too, resolved for the stack by collectExports.
    OrdersQueueArn: {
      Value: arnOf('OrdersQueue'),
      Export: { Name: { 'Fn::Sub': 'order-pipeline-prod-OrdersQueueArn' } },
    },
    OrdersDeadLetterQueueArn: {
      Value: arnOf('OrdersDeadLetterQueue'),
      Export: { Name: { 'Fn::Join': ['-', ['order-pipeline-prod', 'OrdersDeadLetterQueueArn']] } },
    },
    OrdersTableName: { Value: { Ref: 'OrdersTable' }, Export: { Name: EXPORTS.ordersTableName } },
    OrdersTableArn: { Value: arnOf('OrdersTable'), Export: { Name: EXPORTS.ordersTableArn } },
    StoresTableArn: { Value: arnOf('StoresTable'), Export: { Name: EXPORTS.storesTableArn } },
  },
});

const apiMethod = (resourceId: string, httpMethod: string, functionId: string): CfnResource => ({
  Type: 'AWS::ApiGateway::Method',
  Properties: {
    HttpMethod: httpMethod,
    ResourceId: { Ref: resourceId },
    RestApiId: { Ref: 'ApiGatewayRestApi' },
    ApiKeyRequired: true,
    AuthorizationType: 'CUSTOM',
    AuthorizerId: { Ref: 'AuthorizeStoreApiGatewayAuthorizer' },
    Integration: { IntegrationHttpMethod: 'POST', Type: 'AWS_PROXY', Uri: arnOf(functionId) },
  },
});

export const ingestApiTemplate = (): CfnTemplate => ({
  Resources: {
    CreateOrderLogGroup: logGroup('ingest-api-prod-createOrder'),
    GetOrderLogGroup: logGroup('ingest-api-prod-getOrder'),
    CreateOrderLambdaFunction: lambda('ingest-api-prod-createOrder', 'CreateOrderRole'),
    GetOrderLambdaFunction: lambda('ingest-api-prod-getOrder', 'GetOrderRole'),
    ApiGatewayRestApi: {
      Type: 'AWS::ApiGateway::RestApi',
      Properties: { Name: 'prod-ingest-api', ApiKeySourceType: 'AUTHORIZER' },
    },
    AuthorizeStoreLogGroup: logGroup('ingest-api-prod-authorizeStore'),
    AuthorizeStoreLambdaFunction: lambda('ingest-api-prod-authorizeStore', 'AuthorizeStoreRole'),
    AuthorizeStoreApiGatewayAuthorizer: {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        AuthorizerResultTtlInSeconds: 0,
        Name: 'authorizeStore',
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        AuthorizerUri: arnOf('AuthorizeStoreLambdaFunction'),
        Type: 'REQUEST',
      },
    },
    AuthorizeStoreRole: role('authorize-store', '/aws/lambda/ingest-api-prod-authorizeStore', [
      {
        Sid: 'FindStoreByKey',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [importValue(EXPORTS.storesTableArn), '/index/byApiKeyHash']] },
      },
    ]),
    ApiGatewayResourceOrders: {
      Type: 'AWS::ApiGateway::Resource',
      Properties: {
        ParentId: { 'Fn::GetAtt': ['ApiGatewayRestApi', 'RootResourceId'] },
        PathPart: 'orders',
        RestApiId: { Ref: 'ApiGatewayRestApi' },
      },
    },
    ApiGatewayResourceOrdersOrderidVar: {
      Type: 'AWS::ApiGateway::Resource',
      Properties: {
        ParentId: { Ref: 'ApiGatewayResourceOrders' },
        PathPart: '{orderId}',
        RestApiId: { Ref: 'ApiGatewayRestApi' },
      },
    },
    ApiGatewayMethodOrdersPost: apiMethod('ApiGatewayResourceOrders', 'POST', 'CreateOrderLambdaFunction'),
    ApiGatewayMethodOrdersOrderidVarGet: apiMethod(
      'ApiGatewayResourceOrdersOrderidVar',
      'GET',
      'GetOrderLambdaFunction',
    ),
    ApiGatewayDeployment1: {
      Type: 'AWS::ApiGateway::Deployment',
      Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'prod' },
    },
    ApiGatewayUsagePlan: {
      Type: 'AWS::ApiGateway::UsagePlan',
      Properties: {
        ApiStages: [{ ApiId: { Ref: 'ApiGatewayRestApi' }, Stage: 'prod' }],
        Quota: { Limit: 500000, Period: 'DAY' },
        Throttle: { BurstLimit: 100, RateLimit: 50 },
      },
    },
    CreateOrderRole: role('create-order', '/aws/lambda/ingest-api-prod-createOrder', [
      {
        Sid: 'SendOrders',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: importValue(EXPORTS.ordersQueueArn),
      },
    ]),
    GetOrderRole: role('get-order', '/aws/lambda/ingest-api-prod-getOrder', [
      {
        Sid: 'ReadOrders',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: importValue(EXPORTS.ordersTableArn),
      },
    ]),
  },
});

/** serverless-state.json of ingest-api: the framework enables API stage tracing from it after deploy. */
export const ingestApiState = () => ({
  service: { provider: { tracing: { lambda: true, apiGateway: true } } },
});

const alarm = (metric: Record<string, unknown>): CfnResource => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    ...metric,
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: [{ Ref: 'AlarmTopic' }],
  },
});

export const dlqHandlerTemplate = (): CfnTemplate => ({
  Resources: {
    HandleDeadLettersLogGroup: logGroup('dlq-handler-prod-handleDeadLetters'),
    HandleDeadLettersLambdaFunction: lambda('dlq-handler-prod-handleDeadLetters', 'HandleDeadLettersRole'),
    HandleDeadLettersEventSourceMappingSQS: sqsEventSource(
      'HandleDeadLettersLambdaFunction',
      importValue(EXPORTS.deadLetterQueueArn),
      5,
      2,
    ),
    DeadLettersTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: `${PREFIX}-dead-letters`,
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    },
    AlarmTopicKey: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${PREFIX}-dlq-alarms`, KmsMasterKeyId: { Ref: 'AlarmTopicKey' } },
    },
    AlarmTopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'AlarmTopic' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: { Ref: 'AlarmTopic' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    DeadLetterQueueDepthAlarm: alarm({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::Select': [5, { 'Fn::Split': [':', importValue(EXPORTS.deadLetterQueueArn)] }] },
        },
      ],
    }),
    DeadLettersArchivedAlarm: alarm({
      Namespace: 'OrderPipeline',
      MetricName: 'DeadLettersArchived',
      Dimensions: [{ Name: 'service', Value: 'dlq-handler' }],
    }),
    HandleDeadLettersRole: role('handle-dead-letters', '/aws/lambda/dlq-handler-prod-handleDeadLetters', [
      {
        Sid: 'ConsumeDeadLetterQueue',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: importValue(EXPORTS.deadLetterQueueArn),
      },
      {
        Sid: 'ArchiveDeadLetters',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem'],
        Resource: arnOf('DeadLettersTable'),
      },
      {
        Sid: 'MarkOrdersDeadLettered',
        Effect: 'Allow',
        Action: ['dynamodb:UpdateItem'],
        Resource: importValue(EXPORTS.ordersTableArn),
      },
      {
        Sid: 'ReadStores',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem'],
        Resource: importValue(EXPORTS.storesTableArn),
      },
    ]),
  },
});

/** A resource's Properties, for a test to change in place. */
export const propsOf = (template: CfnTemplate, id: string): Record<string, unknown> => {
  const properties = template.Resources[id]?.Properties;
  if (properties === undefined) throw new Error(`fixture has no resource ${id} with Properties`);
  return properties;
};

/** The statement with this Sid in a role's first inline policy, for a test to change in place. */
export const statementOf = (template: CfnTemplate, roleId: string, sid: string): Record<string, unknown> => {
  const [policy] = propsOf(template, roleId).Policies as {
    PolicyDocument: { Statement: Record<string, unknown>[] };
  }[];
  const statement = policy?.PolicyDocument.Statement.find((candidate) => candidate.Sid === sid);
  if (statement === undefined) throw new Error(`fixture role ${roleId} has no statement ${sid}`);
  return statement;
};
