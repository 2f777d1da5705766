import { collectExports, resolveString } from '@order-pipeline/local-aws/cloudformation';
import { stageParams } from '@order-pipeline/local-aws/service-config';
import { checkApiKeyRequired, checkStoreAuthorizer, checkUsagePlan } from './apiChecks';
import { checkPointInTimeRecovery } from './durabilityChecks';
import { checkEncryptionAtRest, checkSecureTransport } from './encryptionChecks';
import { dlqHandlerGrants, ingestApiGrants, orderConsumerGrants, STORES_READERS } from './expectations';
import { CONTEXT, EXPORTS, propsOf } from './fixtures';
import {
  checkDataAccess,
  checkFunctionRoles,
  checkNoWildcardPermissions,
  checkQueueSends,
  checkResourceReaders,
} from './iamChecks';
import {
  describeChecks,
  each,
  type Mutation,
  type Stacks,
  setting,
  settingStatement,
  without,
} from './mutations';
import { checkImports, checkLogRetention } from './platformChecks';
import { checkDeadLetterQueues, checkSqsEventSources, checkVisibilityTimeouts } from './queueChecks';
import { checkApiTracing, checkFunctionTracing } from './tracingChecks';

const ordersQueue = `ImportValue(${EXPORTS.ordersQueueArn})`;

/** Every check as templates.test.ts applies it, here over the fixture stacks. */
const CHECKS = {
  encryption: (s: Stacks) => each(s, checkEncryptionAtRest),
  secureTransport: (s: Stacks) => each(s, checkSecureTransport),
  deadLetterQueues: (s: Stacks) => checkDeadLetterQueues(s.consumer, s.consumerParams),
  visibilityTimeouts: (s: Stacks) => {
    const catalog = collectExports(s.consumer, CONTEXT);
    return [s.consumer, s.dlq].flatMap((template) => checkVisibilityTimeouts(template, catalog));
  },
  sqsEventSources: (s: Stacks) => each(s, checkSqsEventSources),
  functionTracing: (s: Stacks) => each(s, checkFunctionTracing),
  apiTracing: (s: Stacks) => checkApiTracing(s.ingest, s.ingestState),
  functionRoles: (s: Stacks) => each(s, checkFunctionRoles),
  noWildcards: (s: Stacks) => each(s, checkNoWildcardPermissions),
  ingestAccess: (s: Stacks) => checkDataAccess(s.ingest, ingestApiGrants(EXPORTS)),
  consumerAccess: (s: Stacks) => checkDataAccess(s.consumer, orderConsumerGrants()),
  dlqHandlerAccess: (s: Stacks) => checkDataAccess(s.dlq, dlqHandlerGrants(EXPORTS)),
  consumerSends: (s: Stacks) => checkQueueSends(s.consumer, []),
  dlqHandlerSends: (s: Stacks) => checkQueueSends(s.dlq, [ordersQueue]),
  apiKeys: (s: Stacks) => checkApiKeyRequired(s.ingest),
  usagePlan: (s: Stacks) => checkUsagePlan(s.ingest),
  storeAuthorizer: (s: Stacks) => checkStoreAuthorizer(s.ingest),
  pointInTimeRecovery: (s: Stacks) => each(s, checkPointInTimeRecovery),
  storesReaders: (s: Stacks) => [
    ...checkResourceReaders(s.ingest, 'StoresTable', STORES_READERS['ingest-api']),
    ...checkResourceReaders(s.consumer, 'StoresTable', STORES_READERS['order-consumer']),
    ...checkResourceReaders(s.dlq, 'StoresTable', STORES_READERS['dlq-handler']),
  ],
  logRetention: (s: Stacks) => each(s, checkLogRetention),
  imports: (s: Stacks) => {
    const names = new Set(collectExports(s.consumer, CONTEXT).keys());
    return [
      ...checkImports(s.consumer, new Set(), CONTEXT),
      ...checkImports(s.ingest, names, CONTEXT),
      ...checkImports(s.dlq, names, CONTEXT),
    ];
  },
};
type CheckName = keyof typeof CHECKS;

const MUTATIONS: Mutation<CheckName>[] = [
  {
    property: 'a stores table without server-side encryption',
    check: 'encryption',
    mutate: without('consumer', 'StoresTable', 'SSESpecification'),
    reported: /table StoresTable does not set SSESpecification/,
  },
  {
    property: 'a stores table without point-in-time recovery',
    check: 'pointInTimeRecovery',
    mutate: without('consumer', 'StoresTable', 'PointInTimeRecoverySpecification'),
    reported: /table StoresTable has no point-in-time recovery/,
  },
  {
    property: 'a function that may write the stores registry',
    check: 'storesReaders',
    mutate: settingStatement('consumer', 'ProcessOrdersRole', 'ReadStores', 'Action', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]),
    reported:
      /ProcessOrdersRole \(process-orders\) statement ReadStores allows dynamodb:PutItem on GetAtt\(StoresTable.Arn\)/,
  },
  {
    property: 'an ingest function other than the authorizer that reads the stores registry',
    check: 'storesReaders',
    mutate: (s) => {
      const statements = (
        propsOf(s.ingest, 'GetOrderRole').Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>
      )[0]?.PolicyDocument.Statement;
      statements?.push({
        Sid: 'ReadStores',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::ImportValue': EXPORTS.storesTableArn }, '/index/byApiKeyHash']],
        },
      });
    },
    reported: /GetOrderRole \(get-order\) statement ReadStores allows dynamodb:Query/,
  },
  {
    property: 'a REST API that takes API keys from the x-api-key header instead of the authorizer',
    check: 'storeAuthorizer',
    mutate: without('ingest', 'ApiGatewayRestApi', 'ApiKeySourceType'),
    reported: /REST API ApiGatewayRestApi does not take its API keys from the authorizer/,
  },
  {
    property: 'a route without the store authorizer',
    check: 'storeAuthorizer',
    mutate: setting('ingest', 'ApiGatewayMethodOrdersPost', 'AuthorizationType', 'NONE'),
    reported: /method ApiGatewayMethodOrdersPost does not run a REQUEST authorizer/,
  },
  {
    property: 'an API key with a fixed value in the template',
    check: 'storeAuthorizer',
    mutate: (s) => {
      s.ingest.Resources.SharedKey = {
        Type: 'AWS::ApiGateway::ApiKey',
        Properties: { Enabled: true, Value: 'local-dev-key-0123456789abcdef' },
      };
    },
    reported: /API key SharedKey has a fixed value/,
  },
  {
    property: 'a queue without server-side encryption',
    check: 'encryption',
    mutate: without('consumer', 'OrdersQueue', 'SqsManagedSseEnabled'),
    reported: /queue OrdersQueue is not encrypted/,
  },
  {
    property: 'a table without SSESpecification.SSEEnabled',
    check: 'encryption',
    mutate: setting('dlq', 'DeadLettersTable', 'SSESpecification', { SSEEnabled: false }),
    reported: /table DeadLettersTable/,
  },
  {
    property: 'a topic without a KMS key',
    check: 'encryption',
    mutate: without('consumer', 'AlarmTopic', 'KmsMasterKeyId'),
    reported: /topic AlarmTopic has no KmsMasterKeyId/,
  },
  {
    property: 'a queue left out of the TLS-only queue policy',
    check: 'secureTransport',
    mutate: setting('consumer', 'OrdersQueuePolicy', 'Queues', [{ Ref: 'OrdersQueue' }]),
    reported: /queue OrdersDeadLetterQueue has no queue policy denying/,
  },
  {
    property: 'a queue policy that no longer conditions on aws:SecureTransport',
    check: 'secureTransport',
    mutate: (s) => {
      const policy = propsOf(s.consumer, 'OrdersQueuePolicy').PolicyDocument as {
        Statement: Record<string, unknown>[];
      };
      for (const statement of policy.Statement)
        statement.Condition = { Bool: { 'aws:SecureTransport': 'true' } };
    },
    reported: /queue OrdersQueue has no queue policy denying/,
  },
  {
    property: 'a source queue without a dead-letter queue',
    check: 'deadLetterQueues',
    mutate: without('consumer', 'OrdersQueue', 'RedrivePolicy'),
    reported: /queue OrdersQueue has no RedrivePolicy/,
  },
  {
    property: 'a DLQ that keeps messages 4 days instead of 14',
    check: 'deadLetterQueues',
    mutate: setting('consumer', 'OrdersDeadLetterQueue', 'MessageRetentionPeriod', 345600),
    reported: /OrdersDeadLetterQueue keeps messages 345600 s, not 14 days/,
  },
  {
    property: 'a source queue that keeps messages as long as its DLQ',
    check: 'deadLetterQueues',
    mutate: setting('consumer', 'OrdersQueue', 'MessageRetentionPeriod', 1209600),
    reported: /not longer than its source OrdersQueue/,
  },
  {
    property: 'a maxReceiveCount that is not the stage parameter',
    check: 'deadLetterQueues',
    mutate: (s) => {
      s.consumerParams = { ...s.consumerParams, maxReceiveCount: 7 };
    },
    reported: /maxReceiveCount is 14, not the stage parameter maxReceiveCount \(7\)/,
  },
  {
    property: "a source queue's visibility timeout under 6x the consumer's timeout",
    check: 'visibilityTimeouts',
    mutate: setting('consumer', 'ProcessOrdersLambdaFunction', 'Timeout', 11),
    reported:
      /OrdersQueue's visibility timeout \(60 s\) is less than 6x ProcessOrdersLambdaFunction's timeout \(11 s\)/,
  },
  {
    property: "an imported DLQ's visibility timeout under 6x the DLQ handler's timeout",
    check: 'visibilityTimeouts',
    mutate: setting('consumer', 'OrdersDeadLetterQueue', 'VisibilityTimeout', 30),
    reported:
      /OrdersDeadLetterQueue's visibility timeout \(30 s\) is less than 6x HandleDeadLettersLambdaFunction/,
  },
  {
    property: 'an SQS event source without ReportBatchItemFailures',
    check: 'sqsEventSources',
    mutate: without('consumer', 'ProcessOrdersEventSourceMappingSQSOrdersQueue', 'FunctionResponseTypes'),
    reported: /ProcessOrdersEventSourceMappingSQSOrdersQueue does not use FunctionResponseTypes/,
  },
  {
    property: 'an SQS event source without a batching window',
    check: 'sqsEventSources',
    mutate: setting('dlq', 'HandleDeadLettersEventSourceMappingSQS', 'MaximumBatchingWindowInSeconds', 0),
    reported: /HandleDeadLettersEventSourceMappingSQS has no batching window/,
  },
  {
    property: 'an SQS event source without a maximum concurrency',
    check: 'sqsEventSources',
    mutate: without('dlq', 'HandleDeadLettersEventSourceMappingSQS', 'ScalingConfig'),
    reported: /HandleDeadLettersEventSourceMappingSQS has no maximum concurrency/,
  },
  {
    property: 'a function without active X-Ray tracing',
    check: 'functionTracing',
    mutate: setting('ingest', 'GetOrderLambdaFunction', 'TracingConfig', { Mode: 'PassThrough' }),
    reported: /function GetOrderLambdaFunction does not set TracingConfig.Mode: Active/,
  },
  {
    property: 'an API stage without X-Ray tracing',
    check: 'apiTracing',
    mutate: (s) => {
      s.ingestState = { service: { provider: { tracing: { lambda: true } } } };
    },
    reported: /REST API ApiGatewayRestApi's stage has no X-Ray tracing/,
  },
  {
    property: 'two functions sharing one role',
    check: 'functionRoles',
    mutate: setting('ingest', 'GetOrderLambdaFunction', 'Role', { 'Fn::GetAtt': ['CreateOrderRole', 'Arn'] }),
    reported: /role CreateOrderRole is shared by CreateOrderLambdaFunction, GetOrderLambdaFunction/,
  },
  {
    property: "a function on the framework's shared IamRoleLambdaExecution",
    check: 'functionRoles',
    mutate: (s) => {
      s.consumer.Resources.IamRoleLambdaExecution = { Type: 'AWS::IAM::Role', Properties: {} };
      propsOf(s.consumer, 'ProcessOrdersLambdaFunction').Role = {
        'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'],
      };
    },
    reported: /ProcessOrdersLambdaFunction uses the framework's shared IamRoleLambdaExecution/,
  },
  {
    property: 'a `*` action',
    check: 'noWildcards',
    mutate: settingStatement('ingest', 'GetOrderRole', 'ReadOrders', 'Action', '*'),
    reported: /GetOrderRole \(get-order\) statement ReadOrders allows action \*/,
  },
  {
    property: 'a `service:*` action',
    check: 'noWildcards',
    mutate: settingStatement('consumer', 'ProcessOrdersRole', 'WriteOrders', 'Action', ['dynamodb:*']),
    reported: /statement WriteOrders allows action dynamodb:\*/,
  },
  {
    property: 'a `*` resource for an SQS action',
    check: 'noWildcards',
    mutate: settingStatement('ingest', 'CreateOrderRole', 'SendOrders', 'Resource', '*'),
    reported: /statement SendOrders allows sqs:SendMessage on wildcard resource \*/,
  },
  {
    property: 'a managed policy the template does not define',
    check: 'noWildcards',
    mutate: setting('dlq', 'HandleDeadLettersRole', 'ManagedPolicyArns', [
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]),
    reported:
      /role HandleDeadLettersRole attaches managed policy arn:aws:iam::aws:policy\/AdministratorAccess/,
  },
  {
    property: 'ingest writing the orders table',
    check: 'ingestAccess',
    mutate: settingStatement('ingest', 'GetOrderRole', 'ReadOrders', 'Action', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]),
    reported:
      /allows dynamodb:PutItem on ImportValue\(order-pipeline-prod-OrdersTableArn\), which is not an allowed grant/,
  },
  {
    property: 'ingest sending to the dead-letter queue',
    check: 'ingestAccess',
    mutate: settingStatement('ingest', 'CreateOrderRole', 'SendOrders', 'Resource', {
      'Fn::ImportValue': EXPORTS.deadLetterQueueArn,
    }),
    reported: /allows sqs:SendMessage on ImportValue\(order-pipeline-prod-OrdersDeadLetterQueueArn\)/,
  },
  {
    property: 'the consumer writing a table other than its own',
    check: 'consumerAccess',
    mutate: settingStatement('consumer', 'ProcessOrdersRole', 'WriteOrders', 'Resource', {
      'Fn::ImportValue': 'order-pipeline-prod-DeadLettersTableArn',
    }),
    reported: /allows dynamodb:PutItem on ImportValue\(order-pipeline-prod-DeadLettersTableArn\)/,
  },
  {
    property: 'the DLQ handler deleting from the orders queue',
    check: 'dlqHandlerAccess',
    mutate: settingStatement('dlq', 'HandleDeadLettersRole', 'ConsumeDeadLetterQueue', 'Resource', {
      'Fn::ImportValue': EXPORTS.ordersQueueArn,
    }),
    reported: /allows sqs:DeleteMessage on ImportValue\(order-pipeline-prod-OrdersQueueArn\)/,
  },
  {
    property: 'the consumer sending to a queue',
    check: 'consumerSends',
    mutate: settingStatement('consumer', 'ProcessOrdersRole', 'ConsumeOrdersQueue', 'Action', [
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]),
    reported: /ConsumeOrdersQueue allows sqs:SendMessage on GetAtt\(OrdersQueue.Arn\)/,
  },
  {
    property: 'the DLQ handler sending to a queue other than the orders queue',
    check: 'dlqHandlerSends',
    mutate: settingStatement(
      'dlq',
      'HandleDeadLettersRole',
      'ConsumeDeadLetterQueue',
      'Action',
      'sqs:SendMessage',
    ),
    reported: /allows sqs:SendMessage on ImportValue\(order-pipeline-prod-OrdersDeadLetterQueueArn\)/,
  },
  {
    property: 'a POST route without an API key',
    check: 'apiKeys',
    mutate: setting('ingest', 'ApiGatewayMethodOrdersPost', 'ApiKeyRequired', false),
    reported: /^POST \/orders does not require an API key/,
  },
  {
    property: 'a usage plan without throttling',
    check: 'usagePlan',
    mutate: without('ingest', 'ApiGatewayUsagePlan', 'Throttle'),
    reported: /usage plan ApiGatewayUsagePlan does not throttle/,
  },
  {
    property: 'a usage plan without a quota',
    check: 'usagePlan',
    mutate: without('ingest', 'ApiGatewayUsagePlan', 'Quota'),
    reported: /usage plan ApiGatewayUsagePlan has no quota/,
  },
  {
    property: 'a log group without retention',
    check: 'logRetention',
    mutate: without('dlq', 'HandleDeadLettersLogGroup', 'RetentionInDays'),
    reported: /log group HandleDeadLettersLogGroup keeps logs forever/,
  },
  {
    property: 'a function whose log group is not in the stack',
    check: 'logRetention',
    mutate: (s) => {
      delete s.ingest.Resources.GetOrderLogGroup;
    },
    reported:
      /function GetOrderLambdaFunction's log group \/aws\/lambda\/ingest-api-prod-getOrder is not in the stack/,
  },
  {
    property: 'an import of a name the exporting stack does not export',
    check: 'imports',
    mutate: settingStatement('dlq', 'HandleDeadLettersRole', 'MarkOrdersDeadLettered', 'Resource', {
      'Fn::ImportValue': 'order-pipeline-prod-OrderTableArn',
    }),
    reported: /import order-pipeline-prod-OrderTableArn is not exported/,
  },
  {
    property: 'an export renamed in the exporting stack',
    check: 'imports',
    mutate: (s) => {
      const outputs = s.consumer.Outputs ?? {};
      outputs.OrdersQueueArn = {
        ...outputs.OrdersQueueArn,
        Export: { Name: { 'Fn::Sub': `\${AWS::StackName}-Queue` } },
      };
    },
    reported: /import order-pipeline-prod-OrdersQueueArn is not exported/,
  },
];

describeChecks('deploy checks', CHECKS, MUTATIONS);

describe('resolveString()', () => {
  it.each([
    ['a plain string', 'order-pipeline-prod-OrdersQueueArn', 'order-pipeline-prod-OrdersQueueArn'],
    [
      'Fn::Sub with pseudo parameters',
      { 'Fn::Sub': `\${AWS::StackName}-\${AWS::Region}` },
      'order-consumer-prod-eu-west-1',
    ],
    [
      'Fn::Sub with its own variables',
      { 'Fn::Sub': [`\${p}-Q`, { p: { Ref: 'AWS::StackName' } }] },
      'order-consumer-prod-Q',
    ],
    [
      'Fn::Join',
      { 'Fn::Join': ['-', ['order-pipeline', { Ref: 'AWS::Region' }]] },
      'order-pipeline-eu-west-1',
    ],
  ])('resolves %s as CloudFormation would for the stack', (_, value, expected) => {
    expect(resolveString(value, CONTEXT)).toBe(expected);
  });

  it('answers undefined for what depends on the account or another resource', () => {
    expect(resolveString({ 'Fn::Sub': `\${AWS::AccountId}-x` }, CONTEXT)).toBeUndefined();
    expect(resolveString({ Ref: 'OrdersQueue' }, CONTEXT)).toBeUndefined();
  });
});

describe('stageParams()', () => {
  it("overlays the stage's own params on the default block", () => {
    const printed = {
      params: { default: { maxReceiveCount: 5, prefix: 'p' }, local: { maxReceiveCount: 3 } },
    };
    expect(stageParams(printed, 'local')).toEqual({ maxReceiveCount: 3, prefix: 'p' });
    expect(stageParams(printed, 'prod')).toEqual({ maxReceiveCount: 5, prefix: 'p' });
  });
});
