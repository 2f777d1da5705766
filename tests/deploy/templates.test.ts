import {
  type CfnTemplate,
  collectExports,
  describeValue,
  type ExportedValue,
  importedNames,
  type ResolveContext,
} from '@order-pipeline/local-aws/cloudformation';
import {
  checkApiAlarms,
  checkDashboard,
  checkDeadLetterAlarms,
  checkFunctionAlarms,
  checkQueueAgeAlarm,
  checkTableAlarms,
} from './alarmChecks';
import { apiMethods, checkApiKeyRequired, checkStoreAuthorizer, checkUsagePlan } from './apiChecks';
import {
  checkDataProtection,
  checkDeadLetterExpiry,
  checkPointInTimeRecovery,
  checkRetryBudget,
} from './durabilityChecks';
import { checkEncryptionAtRest, checkSecureTransport } from './encryptionChecks';
import {
  dlqHandlerGrants,
  ingestApiGrants,
  type OrderConsumerExports,
  orderConsumerGrants,
  STORES_READERS,
} from './expectations';
import {
  checkDataAccess,
  checkFunctionRoles,
  checkNoWildcardPermissions,
  checkQueueSends,
  checkResourceReaders,
  type Grant,
} from './iamChecks';
import { type PackagedService, packageService, SERVICES, type ServiceName } from './packageService';
import { checkGatewayResponses, checkImports, checkLogRetention, checkRuntime } from './platformChecks';
import { checkDeadLetterQueues, checkSqsEventSources, checkVisibilityTimeouts } from './queueChecks';
import { checkApiTracing, checkFunctionTracing, checkTracingBackend } from './tracingChecks';

/**
 * What `sls deploy --stage prod` would create, proven without an AWS account: each service is
 * packaged (`sls package --stage prod`, no credentials) and its CloudFormation checked.
 */
const STAGE = 'prod';

const packaged = new Map<ServiceName, Promise<PackagedService>>();

beforeAll(async () => {
  for (const service of SERVICES) packaged.set(service, packageService(service, STAGE));
  // A service that fails to package fails its own tests (with sls's output), not the others'.
  await Promise.allSettled(packaged.values());
}, 180_000);

const get = async (service: ServiceName): Promise<PackagedService> => {
  const result = packaged.get(service);
  if (result === undefined) throw new Error(`${service} was not packaged`);
  return result;
};

/** How CloudFormation names the stack serverless deploys (`<service>-<stage>`), for export names. */
const contextOf = ({ service, stage, state }: PackagedService): ResolveContext => ({
  stackName: `${service}-${stage}`,
  region: String(state.service?.provider?.region ?? 'eu-west-1'),
});

/** order-consumer is deployed first: its exports are what the other two may import. */
const consumerExports = async (): Promise<Map<string, ExportedValue>> => {
  const consumer = await get('order-consumer');
  return collectExports(consumer.template, contextOf(consumer));
};

/** order-consumer's export names, found by what they export. */
const exportNames = async (): Promise<OrderConsumerExports> => {
  const exports = await consumerExports();
  const nameOf = (value: string): string => {
    const found = [...exports].find(([, exported]) => describeValue(exported.value) === value);
    if (found === undefined) throw new Error(`order-consumer exports nothing whose value is ${value}`);
    return found[0];
  };
  return {
    ordersQueueArn: nameOf('GetAtt(OrdersQueue.Arn)'),
    deadLetterQueueArn: nameOf('GetAtt(OrdersDeadLetterQueue.Arn)'),
    ordersTableArn: nameOf('GetAtt(OrdersTable.Arn)'),
    storesTableArn: nameOf('GetAtt(StoresTable.Arn)'),
  };
};

const DEPLOYED_BEFORE: Record<ServiceName, ServiceName[]> = {
  'order-consumer': [],
  'ingest-api': ['order-consumer'],
  'dlq-handler': ['order-consumer'],
};

/**
 * What an importing service (ingest-api, dlq-handler) may do beyond its `grants` of order-consumer's exports:
 * any other data access, or a send to any queue but the orders queue.
 */
const accessBeyond = async (
  template: CfnTemplate,
  grants: (exports: OrderConsumerExports) => Grant[],
): Promise<string[]> => {
  const names = await exportNames();
  return [
    ...checkDataAccess(template, grants(names)),
    ...checkQueueSends(template, [`ImportValue(${names.ordersQueueArn})`]),
  ];
};

/** What every service's packaged stack must pass: a check, and the findings it must not report. */
const EVERY_STACK: Array<[string, (packaged: PackagedService) => string[] | Promise<string[]>]> = [
  [
    'encrypts every queue, table, topic and bucket at rest',
    ({ template }) => checkEncryptionAtRest(template),
  ],
  [
    'denies every request to its queues and topics not made over TLS',
    ({ template }) => checkSecureTransport(template),
  ],
  [
    "gives every SQS event source's queue a visibility timeout of at least 6x the function's timeout",
    async ({ template }) => checkVisibilityTimeouts(template, await consumerExports()),
  ],
  [
    'reports batch item failures, batches with a window and caps concurrency on every SQS event source',
    ({ template }) => checkSqsEventSources(template),
  ],
  [
    'traces every function, and the API stage, with X-Ray',
    ({ template, state }) => [...checkFunctionTracing(template), ...checkApiTracing(template, state)],
  ],
  [
    'tells every function the default tracing backend (X-Ray SDK) and allows it no OTLP action',
    ({ template }) => checkTracingBackend(template, 'xray'),
  ],
  ['runs every function with a role of its own', ({ template }) => checkFunctionRoles(template)],
  [
    'allows no wildcard action, and no wildcard resource on SQS, DynamoDB or SNS',
    ({ template }) => checkNoWildcardPermissions(template),
  ],
  ['keeps point-in-time recovery on every table', ({ template }) => checkPointInTimeRecovery(template)],
  [
    'lets one role per service read the stores registry, read-only, with one action',
    ({ template, service }) => checkResourceReaders(template, 'StoresTable', STORES_READERS[service]),
  ],
  ['keeps the logs of every function for a limited time', ({ template }) => checkLogRetention(template)],
  ['runs every function on nodejs24.x', ({ template }) => checkRuntime(template)],
  [
    'alarms on the errors and throttles of every function and the throttled requests of every table',
    async ({ template }) => {
      const catalog = await consumerExports();
      return [...checkFunctionAlarms(template, catalog), ...checkTableAlarms(template, catalog)];
    },
  ],
  [
    'retains every table on removal and replacement, and protects it from deletion',
    ({ template }) => checkDataProtection(template),
  ],
];

describe.each(SERVICES)('sls package --stage prod: %s', (service) => {
  it.each(EVERY_STACK)('%s', async (_property, check) => {
    expect(await check(await get(service))).toEqual([]);
  });

  it('imports only names that the stacks deployed before it export', async () => {
    const packagedService = await get(service);
    const exporters = await Promise.all(DEPLOYED_BEFORE[service].map(get));
    const names = new Set(
      exporters.flatMap((exporter) => [...collectExports(exporter.template, contextOf(exporter)).keys()]),
    );
    expect(checkImports(packagedService.template, names, contextOf(packagedService))).toEqual([]);
  });
});

describe('sls package --stage prod: order-consumer', () => {
  it('owns the orders queue, its dead-letter queue, the orders table and the stores registry', async () => {
    const { template } = await get('order-consumer');
    const types = Object.fromEntries(
      ['OrdersQueue', 'OrdersDeadLetterQueue', 'OrdersTable', 'StoresTable'].map((id) => [
        id,
        template.Resources[id]?.Type,
      ]),
    );
    expect(types).toEqual({
      OrdersQueue: 'AWS::SQS::Queue',
      OrdersDeadLetterQueue: 'AWS::SQS::Queue',
      OrdersTable: 'AWS::DynamoDB::Table',
      StoresTable: 'AWS::DynamoDB::Table',
    });
  });

  it('keys the orders table by (storeId, orderId): two stores may use one orderId', async () => {
    const { template } = await get('order-consumer');
    expect(template.Resources.OrdersTable?.Properties?.KeySchema).toEqual([
      { AttributeName: 'storeId', KeyType: 'HASH' },
      { AttributeName: 'orderId', KeyType: 'RANGE' },
    ]);
  });

  it("dead-letters after the stage's maxReceiveCount into a DLQ that keeps messages 14 days", async () => {
    const { template, params } = await get('order-consumer');
    expect(checkDeadLetterQueues(template, params)).toEqual([]);
  });

  it('retries a transient failure for at least 30 minutes, within the retention, and dead-letters poison before the age alarm', async () => {
    const { template, params } = await get('order-consumer');
    expect(checkRetryBudget(template, params)).toEqual([]);
  });

  it("alarms when the orders queue's oldest order waits longer than the stage's ordersQueueAgeAlarmSeconds", async () => {
    const { template, params } = await get('order-consumer');
    expect(
      checkQueueAgeAlarm(
        template,
        'OrdersQueue',
        Number(params.ordersQueueAgeAlarmSeconds),
        await consumerExports(),
      ),
    ).toEqual([]);
  });

  it("shows the pipeline's flow, both queues' ages and every function's duration on its dashboard", async () => {
    const { template } = await get('order-consumer');
    const stacks = await Promise.all(SERVICES.map(get));
    const functions = stacks.flatMap((stack) =>
      Object.values(stack.template.Resources)
        .filter((resource) => resource.Type === 'AWS::Lambda::Function')
        .map((fn) => String(fn.Properties?.FunctionName)),
    );
    const queues = ['OrdersQueue', 'OrdersDeadLetterQueue'].map((id) =>
      String(template.Resources[id]?.Properties?.QueueName),
    );
    expect(functions).toEqual(expect.arrayContaining(['order-consumer-prod-processOrders']));
    expect(checkDashboard(template, queues, functions)).toEqual([]);
  });

  it('consumes the orders queue with one SQS event source', async () => {
    const { template } = await get('order-consumer');
    const sources = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping')
      .map((mapping) => describeValue(mapping.Properties?.EventSourceArn));
    expect(sources).toEqual(['GetAtt(OrdersQueue.Arn)']);
  });

  it('consumes its queue and writes its table, and sends to no queue', async () => {
    const { template } = await get('order-consumer');
    expect([...checkDataAccess(template, orderConsumerGrants()), ...checkQueueSends(template, [])]).toEqual(
      [],
    );
  });
});

describe('sls package --stage prod: ingest-api', () => {
  it('requires an API key on every route, the POST routes included', async () => {
    const { template } = await get('ingest-api');
    const routes = apiMethods(template).map(({ route }) => route);
    expect(routes).toEqual(expect.arrayContaining(['POST /orders', 'POST /orders/batch']));
    expect(checkApiKeyRequired(template)).toEqual([]);
  });

  it("throttles and caps every store's API key with the stores usage plan (limits per key)", async () => {
    const { template } = await get('ingest-api');
    expect(checkUsagePlan(template)).toEqual([]);
  });

  it('identifies the store by its key: a REQUEST authorizer on every route, keys from it, none fixed', async () => {
    const { template } = await get('ingest-api');
    expect(checkStoreAuthorizer(template)).toEqual([]);
  });

  it('only sends to the orders queue and reads the orders table', async () => {
    const { template } = await get('ingest-api');
    expect(await accessBeyond(template, ingestApiGrants)).toEqual([]);
  });

  it('alarms on the share of 5xx answers and on the p99 latency of the API', async () => {
    const { template } = await get('ingest-api');
    expect(checkApiAlarms(template, await consumerExports())).toEqual([]);
  });

  it('deploys the API only once its gateway responses exist', async () => {
    const { template } = await get('ingest-api');
    expect(checkGatewayResponses(template)).toEqual([]);
  });

  it('takes JSON bodies as a binary media type, so that invalid UTF-8 reaches the functions as sent', async () => {
    const { template } = await get('ingest-api');
    expect(template.Resources.ApiGatewayRestApi?.Properties?.BinaryMediaTypes).toEqual(['application/json']);
  });

  it("imports the orders queue and table from order-consumer's exports", async () => {
    const { template } = await get('ingest-api');
    expect(importedNames(template).length).toBeGreaterThan(0);
  });
});

describe('sls package --stage prod: dlq-handler', () => {
  it('consumes the imported dead-letter queue with one SQS event source', async () => {
    const { template } = await get('dlq-handler');
    const names = await exportNames();
    const sources = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping')
      .map((mapping) => describeValue(mapping.Properties?.EventSourceArn));
    expect(sources).toEqual([`ImportValue(${names.deadLetterQueueArn})`]);
  });

  it('alarms on dead letters archived, not archived, and waiting on the DLQ, notifying the alarm topic', async () => {
    const { template, params } = await get('dlq-handler');
    const catalog = await consumerExports();
    expect([
      ...checkDeadLetterAlarms(template, catalog),
      ...checkQueueAgeAlarm(
        template,
        (await exportNames()).deadLetterQueueArn,
        Number(params.deadLetterAgeAlarmSeconds),
        catalog,
      ),
    ]).toEqual([]);
  });

  it('lets archived dead letters expire by TTL', async () => {
    const { template } = await get('dlq-handler');
    expect(checkDeadLetterExpiry(template, 'DeadLettersTable')).toEqual([]);
  });

  it('consumes the DLQ and archives, and sends to no queue but the orders queue', async () => {
    const { template } = await get('dlq-handler');
    expect(await accessBeyond(template, dlqHandlerGrants)).toEqual([]);
  });
});
