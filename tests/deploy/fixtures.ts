import type { CfnResource, CfnTemplate } from '@order-pipeline/local-aws/cloudformation';

/**
 * Small hand-built CloudFormation in the shape `sls package --stage prod` produces for the three
 * services, satisfying every check. checks.test.ts breaks one property at a time in a copy.
 */

const PREFIX = 'order-pipeline-prod';
export const EXPORTS = {
  alarmTopicArn: `${PREFIX}-AlarmTopicArn`,
  ordersQueueArn: `${PREFIX}-OrdersQueueArn`,
  ordersQueueUrl: `${PREFIX}-OrdersQueueUrl`,
  deadLetterQueueArn: `${PREFIX}-OrdersDeadLetterQueueArn`,
  ordersTableArn: `${PREFIX}-OrdersTableArn`,
  ordersTableName: `${PREFIX}-OrdersTableName`,
  storesTableArn: `${PREFIX}-StoresTableArn`,
} as const;

export const CONTEXT = { stackName: 'order-consumer-prod', region: 'eu-west-1' };

const importValue = (name: string) => ({ 'Fn::ImportValue': name });

/** The resource policy statement that refuses any request not made over TLS. */
const denyInsecureTransport = (action: string, resource: unknown) => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: action,
  Resource: resource,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

const logGroup = (functionName: string): CfnResource => ({
  Type: 'AWS::Logs::LogGroup',
  Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: 30 },
});

const lambda = (
  functionName: string,
  role: string,
  variables: Record<string, string> = {},
  timeout = 10,
): CfnResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    FunctionName: functionName,
    Handler: 'src/handler.handler',
    Runtime: 'nodejs24.x',
    Timeout: timeout,
    TracingConfig: { Mode: 'Active' },
    Role: arnOf(role),
    Environment: { Variables: { TRACING_BACKEND: 'xray', ...variables } },
  },
});

/** An alarm above `threshold` on one metric, notifying `topic` (a Ref or an import of it). */
const alarm = (topic: unknown, metric: Record<string, unknown>, threshold = 0): CfnResource => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    ...metric,
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: [topic],
  },
});

/** Errors and Throttles alarms of function `id`, as the sls-ops plugin adds them. */
const functionAlarms = (id: string, topic: unknown): Record<string, CfnResource> =>
  Object.fromEntries(
    ['Errors', 'Throttles'].map((metric) => [
      `${id}${metric}Alarm`,
      alarm(topic, {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
      }),
    ]),
  );

/** The throttled-requests alarm of table `id` (metric math over its read and write throttle events). */
const tableAlarm = (id: string, topic: unknown): Record<string, CfnResource> => {
  const events = (metricId: string, metricName: string) => ({
    Id: metricId,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/DynamoDB',
        MetricName: metricName,
        Dimensions: [{ Name: 'TableName', Value: { Ref: id } }],
      },
      Period: 300,
      Stat: 'Sum',
    },
  });
  return {
    [`${id}ThrottledRequestsAlarm`]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic],
        Metrics: [
          events('reads', 'ReadThrottleEvents'),
          events('writes', 'WriteThrottleEvents'),
          { Id: 'throttled', Expression: 'FILL(reads, 0) + FILL(writes, 0)', ReturnData: true },
        ],
      },
    },
  };
};

/**
 * A table as every stage but local deploys it: retained, deletion-protected, encrypted, with
 * point-in-time recovery.
 */
const table = (tableName: string, properties: Record<string, unknown> = {}): CfnResource => ({
  Type: 'AWS::DynamoDB::Table',
  DeletionPolicy: 'Retain',
  UpdateReplacePolicy: 'Retain',
  Properties: {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    DeletionProtectionEnabled: true,
    SSESpecification: { SSEEnabled: true },
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    ...properties,
  },
});

const queueAgeAlarm = (topic: unknown, queueName: unknown, seconds: number): CfnResource => ({
  ...alarm(
    topic,
    {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: queueName }],
    },
    seconds,
  ),
});

const dashboardBody = () => {
  const line = (namespace: string, metric: string, name: string, value: string) => [
    namespace,
    metric,
    name,
    value,
    { stat: 'Sum' },
  ];
  const metrics = [
    line('AWS/SQS', 'NumberOfMessagesSent', 'QueueName', `${PREFIX}-orders`),
    ...['OrdersProcessed', 'DuplicateDeliveries', 'PoisonMessages', 'TransientFailures'].map((metric) =>
      line('OrderPipeline', metric, 'service', 'order-consumer'),
    ),
    line('OrderPipeline', 'DeadLettersArchived', 'service', 'dlq-handler'),
    ...[`${PREFIX}-orders`, `${PREFIX}-orders-dlq`].map((queue) =>
      line('AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', queue),
    ),
    ...FUNCTION_NAMES.map((fn) => line('AWS/Lambda', 'Duration', 'FunctionName', fn)),
  ];
  return JSON.stringify({ widgets: [{ type: 'metric', properties: { region: 'eu-west-1', metrics } }] });
};

/** Every function of the three fixture stacks, by name. */
export const FUNCTION_NAMES = [
  'ingest-api-prod-authorizeStore',
  'ingest-api-prod-createOrder',
  'ingest-api-prod-getOrder',
  'order-consumer-prod-processOrders',
  'dlq-handler-prod-handleDeadLetters',
];
export const QUEUE_NAMES = [`${PREFIX}-orders`, `${PREFIX}-orders-dlq`];

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
    ProcessOrdersLambdaFunction: lambda('order-consumer-prod-processOrders', 'ProcessOrdersRole', {
      BACKOFF_BASE_SECONDS: '2',
      BACKOFF_MAX_SECONDS: '300',
      POISON_BACKOFF_SECONDS: '2',
    }),
    ...functionAlarms('ProcessOrdersLambdaFunction', { Ref: 'AlarmTopic' }),
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
        RedrivePolicy: { deadLetterTargetArn: arnOf('OrdersDeadLetterQueue'), maxReceiveCount: 14 },
      },
    },
    OrdersQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'OrdersQueue' }, { Ref: 'OrdersDeadLetterQueue' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [denyInsecureTransport('sqs:*', [arnOf('OrdersQueue'), arnOf('OrdersDeadLetterQueue')])],
        },
      },
    },
    OrdersTable: table(`${PREFIX}-orders`),
    ...tableAlarm('OrdersTable', { Ref: 'AlarmTopic' }),
    StoresTable: table(`${PREFIX}-stores`),
    ...tableAlarm('StoresTable', { Ref: 'AlarmTopic' }),
    OrdersQueueAgeAlarm: queueAgeAlarm(
      { Ref: 'AlarmTopic' },
      { 'Fn::GetAtt': ['OrdersQueue', 'QueueName'] },
      300,
    ),
    PipelineDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardName: `${PREFIX}-pipeline`, DashboardBody: { 'Fn::Sub': dashboardBody() } },
    },
    AlarmTopicKey: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
    AlarmTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${PREFIX}-alarms`, KmsMasterKeyId: { Ref: 'AlarmTopicKey' } },
    },
    AlarmTopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'AlarmTopic' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [denyInsecureTransport('sns:Publish', { Ref: 'AlarmTopic' })],
        },
      },
    },
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
    AlarmTopicArn: { Value: { Ref: 'AlarmTopic' }, Export: { Name: EXPORTS.alarmTopicArn } },
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
    ...functionAlarms('CreateOrderLambdaFunction', importValue(EXPORTS.alarmTopicArn)),
    ...functionAlarms('GetOrderLambdaFunction', importValue(EXPORTS.alarmTopicArn)),
    ...functionAlarms('AuthorizeStoreLambdaFunction', importValue(EXPORTS.alarmTopicArn)),
    ApiGatewayRestApiServerErrorsAlarm: {
      ...alarm(
        importValue(EXPORTS.alarmTopicArn),
        {
          Namespace: 'AWS/ApiGateway',
          MetricName: '5XXError',
          Dimensions: [
            { Name: 'ApiName', Value: 'prod-ingest-api' },
            { Name: 'Stage', Value: 'prod' },
          ],
        },
        0.01,
      ),
    },
    ApiGatewayRestApiLatencyAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        Dimensions: [
          { Name: 'ApiName', Value: 'prod-ingest-api' },
          { Name: 'Stage', Value: 'prod' },
        ],
        ExtendedStatistic: 'p99',
        Period: 300,
        EvaluationPeriods: 3,
        Threshold: 2000,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [importValue(EXPORTS.alarmTopicArn)],
      },
    },
    GatewayResponseDefault4XX: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, ResponseType: 'DEFAULT_4XX' },
    },
    GatewayResponseDefault5XX: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, ResponseType: 'DEFAULT_5XX' },
    },
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
      DependsOn: [
        'ApiGatewayMethodOrdersPost',
        'ApiGatewayMethodOrdersOrderidVarGet',
        'GatewayResponseDefault4XX',
        'GatewayResponseDefault5XX',
      ],
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

export const dlqHandlerTemplate = (): CfnTemplate => ({
  Resources: {
    HandleDeadLettersLogGroup: logGroup('dlq-handler-prod-handleDeadLetters'),
    HandleDeadLettersLambdaFunction: lambda('dlq-handler-prod-handleDeadLetters', 'HandleDeadLettersRole', {
      DEAD_LETTER_RETENTION_DAYS: '90',
    }),
    ...functionAlarms('HandleDeadLettersLambdaFunction', importValue(EXPORTS.alarmTopicArn)),
    HandleDeadLettersEventSourceMappingSQS: sqsEventSource(
      'HandleDeadLettersLambdaFunction',
      importValue(EXPORTS.deadLetterQueueArn),
      5,
      2,
    ),
    DeadLettersTable: table(`${PREFIX}-dead-letters`, {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    }),
    ...tableAlarm('DeadLettersTable', importValue(EXPORTS.alarmTopicArn)),
    DeadLetterQueueAgeAlarm: queueAgeAlarm(
      importValue(EXPORTS.alarmTopicArn),
      { 'Fn::Select': [5, { 'Fn::Split': [':', importValue(EXPORTS.deadLetterQueueArn)] }] },
      300,
    ),
    DeadLettersArchivedAlarm: alarm(importValue(EXPORTS.alarmTopicArn), {
      Namespace: 'OrderPipeline',
      MetricName: 'DeadLettersArchived',
      Dimensions: [{ Name: 'service', Value: 'dlq-handler' }],
    }),
    DeadLettersNotArchivedAlarm: alarm(importValue(EXPORTS.alarmTopicArn), {
      Namespace: 'OrderPipeline',
      MetricName: 'DeadLettersNotArchived',
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
