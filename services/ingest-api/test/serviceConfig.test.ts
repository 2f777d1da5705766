import { loadServiceConfig, type ServiceConfig } from '@order-pipeline/local-aws';

// serverless.yml as `sls print` resolves it (cached under .local/cache by local-aws).
interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const statementsOf = (config: ServiceConfig, roleId: string): Statement[] => {
  const policies = asRecord(config.resources?.Resources?.[roleId]?.Properties).Policies as Array<{
    PolicyDocument: { Statement: Statement[] };
  }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
};

const ROLES = {
  authorizeStore: 'AuthorizeStoreRole',
  createOrder: 'CreateOrderRole',
  createOrderBatch: 'CreateOrderBatchRole',
  getOrder: 'GetOrderRole',
};

describe('ingest-api serverless.yml', () => {
  let local: ServiceConfig;
  let prod: ServiceConfig;
  let consumer: ServiceConfig;

  beforeAll(async () => {
    [local, prod, consumer] = await Promise.all([
      loadServiceConfig('ingest-api', 'local'),
      loadServiceConfig('ingest-api', 'prod'),
      loadServiceConfig('order-consumer', 'local'),
    ]);
  }, 90_000);

  it('has every key of the shared provider block, with the same values', () => {
    // order-consumer includes the shared block whole, so its provider is the shared block resolved.
    const shared = asRecord(consumer.provider);
    const provider = asRecord(local.provider);

    for (const [key, value] of Object.entries(shared)) {
      if (key === 'environment') {
        expect(provider[key]).toEqual({ ...asRecord(value), POWERTOOLS_SERVICE_NAME: 'ingest-api' });
      } else if (key === 'tracing') {
        expect(provider[key]).toEqual({ ...asRecord(value), apiGateway: true });
      } else {
        expect([key, provider[key]]).toEqual([key, value]);
      }
    }
  });

  it('resolves every function environment to plain strings on the local stage', () => {
    const environments = Object.values(local.functions).map((fn) => fn.environment ?? {});

    for (const environment of environments) {
      for (const value of Object.values(environment)) expect(typeof value).toBe('string');
    }
    const sqsEndpoint = process.env.LOCAL_SQS_ENDPOINT || 'http://127.0.0.1:9324';
    expect(local.functions.createOrder?.environment?.ORDERS_QUEUE_URL).toBe(
      `${sqsEndpoint}/000000000000/${consumer.resources?.Resources?.OrdersQueue?.Properties?.QueueName}`,
    );
    expect(local.functions.getOrder?.environment?.ORDERS_TABLE).toBe(
      consumer.resources?.Resources?.OrdersTable?.Properties?.TableName,
    );
    expect(local.functions.authorizeStore?.environment?.STORES_TABLE).toBe(
      consumer.resources?.Resources?.StoresTable?.Properties?.TableName,
    );
    // No key list: the store authorizer, reading the registry, is the only key check locally.
    expect(asRecord(asRecord(local.provider).apiGateway).apiKeys).toBeUndefined();
  });

  it("imports the queue and the table from order-consumer's exports on a deployed stage", () => {
    const exported = Object.values(consumer.resources?.Outputs ?? {}).map((output) =>
      String(asRecord(asRecord(output).Export).Name).replace('order-pipeline-local-', 'order-pipeline-prod-'),
    );
    // Every Fn::ImportValue of the functions' environments and the roles' resources (the authorizer's
    // inside an Fn::Join: the index of the imported table).
    const importedNames = [
      ...Object.values(prod.functions).map((fn) => fn.environment),
      ...Object.values(ROLES).flatMap((role) =>
        statementsOf(prod, role).map((statement) => statement.Resource),
      ),
    ].flatMap((value) =>
      [...JSON.stringify(value ?? null).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((match) => match[1]),
    );

    expect(importedNames).toHaveLength(12);
    for (const name of importedNames) expect(exported).toContain(name);
  });

  it('gives each function only the data permissions it needs, and no wildcard but X-Ray', () => {
    const dataStatements = (role: string) =>
      statementsOf(prod, role)
        .filter((statement) => statement.Sid !== 'Logs' && statement.Sid !== 'Tracing')
        .map(({ Action, Resource }) => ({ Action, Resource }));

    expect(dataStatements(ROLES.createOrder)).toEqual([
      { Action: 'sqs:SendMessage', Resource: { 'Fn::ImportValue': 'order-pipeline-prod-OrdersQueueArn' } },
      {
        // The idempotency record: conditional put, read on conflict, messageId, release.
        Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::ImportValue': 'order-pipeline-prod-OrdersTableArn' },
      },
    ]);
    expect(dataStatements(ROLES.createOrderBatch)).toEqual(dataStatements(ROLES.createOrder));
    expect(dataStatements(ROLES.getOrder)).toEqual([
      { Action: 'dynamodb:GetItem', Resource: { 'Fn::ImportValue': 'order-pipeline-prod-OrdersTableArn' } },
    ]);
    // The authorizer queries the registry's key index, and nothing else of it.
    expect(dataStatements(ROLES.authorizeStore)).toEqual([
      {
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::ImportValue': 'order-pipeline-prod-StoresTableArn' }, '/index/byApiKeyHash'],
          ],
        },
      },
    ]);
    for (const role of Object.values(ROLES)) {
      for (const statement of statementsOf(prod, role)) {
        expect([statement.Action].flat()).not.toContain('*');
        if (statement.Resource === '*') expect(statement.Sid).toBe('Tracing');
      }
    }
    for (const [name, fn] of Object.entries(prod.functions)) {
      expect([name, asRecord(fn).role]).toEqual([name, ROLES[name as keyof typeof ROLES]]);
    }
  });

  it("puts every route behind the store authorizer and the authorizer's key, throttled per key, with no fixed key", () => {
    const apiGateway = asRecord(asRecord(prod.provider).apiGateway);
    const events = Object.values(prod.functions).flatMap((fn) => fn.events ?? []);

    expect(events).toHaveLength(3);
    for (const event of events) {
      const http = asRecord(asRecord(event).http);
      expect(http.private).toBe(true);
      expect(http.authorizer).toEqual({ name: 'authorizeStore', type: 'request', resultTtlInSeconds: 0 });
    }
    expect(apiGateway.apiKeySourceType).toBe('AUTHORIZER');
    // Keys are per store, created by `pnpm stores add`: none is part of the stack.
    expect(apiGateway.apiKeys).toBeUndefined();
    expect(apiGateway.usagePlan).toEqual({
      throttle: { rateLimit: expect.any(Number), burstLimit: expect.any(Number) },
      quota: { limit: expect.any(Number), period: expect.stringMatching(/^(DAY|WEEK|MONTH)$/) },
    });
    expect(asRecord(prod.provider).tracing).toEqual({ lambda: true, apiGateway: true });
  });
});
