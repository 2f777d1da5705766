import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashApiKey, STORE_STATUS, storesTable } from '@order-pipeline/common';
import { type LocalAws, SAMPLE_STORE_ID, SEED_STORES, seedStores, startLocalAws, startSqs } from '../src';

const AT = new Date('2026-11-23T08:00:00.000Z');

describe('startLocalAws()', () => {
  let local: LocalAws;

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer'] });
  }, 60_000);

  afterAll(() => local?.stop());

  it("creates order-consumer's queues from its CloudFormation, the DLQ wired by RedrivePolicy", async () => {
    const queue = local.queues.OrdersQueue;
    const dlq = local.queues.OrdersDeadLetterQueue;
    expect(queue?.name).toBe('order-pipeline-local-orders');
    expect(dlq?.name).toBe('order-pipeline-local-orders-dlq');

    const { Attributes } = await local.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue?.url, AttributeNames: ['All'] }),
    );

    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq?.arn,
      // The local stage's 4-second retry window, 1 s apart (order-consumer src/retryBudget.ts).
      maxReceiveCount: 5,
    });
    expect(Attributes?.VisibilityTimeout).toBe('30');
  });

  it('creates the orders table keyed by (storeId, orderId)', async () => {
    const { Table } = await local.dynamo.send(
      new DescribeTableCommand({ TableName: local.tables.OrdersTable }),
    );

    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'storeId', KeyType: 'HASH' },
      { AttributeName: 'orderId', KeyType: 'RANGE' },
    ]);
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('moves a message to the DLQ after maxReceiveCount receives', async () => {
    const queueUrl = local.queues.OrdersQueue?.url;
    await local.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));

    for (let receive = 0; receive < 5; receive++) {
      const { Messages } = await local.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      expect(Messages?.[0]?.Body).toBe('poison');
    }

    const { Messages } = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.queues.OrdersDeadLetterQueue?.url, WaitTimeSeconds: 1 }),
    );
    expect(Messages?.[0]?.Body).toBe('poison');
  });

  describe('its stores registry (seedStores())', () => {
    it('seeds stores 1-8 open and 9 closed, each with its own fixed key', async () => {
      expect(local.stores.map(({ storeId, status }) => `${storeId}:${status}`)).toEqual([
        ...[1, 2, 3, 4, 5, 6, 7, 8].map((storeId) => `${storeId}:open`),
        '9:closed',
      ]);
      expect(local.stores.find((store) => store.storeId === 9)?.status).toBe('closed');
      expect(new Set(local.stores.map((store) => store.apiKey)).size).toBe(SEED_STORES.length);
      expect(local.stores.find((store) => store.storeId === SAMPLE_STORE_ID)?.apiKey).toBe(
        'local-dev-key-0123456789abcdef',
      );
    });

    it('seeds again without undoing what an operator changed (a restart over persisted state)', async () => {
      const table = local.tables.StoresTable ?? 'missing';
      const stores = storesTable(DynamoDBDocumentClient.from(local.dynamo), table);
      await stores.setStatus(1, STORE_STATUS.closed, AT);
      await stores.replaceKey(
        2,
        { apiKeyId: 'rotated', apiKeyHash: hashApiKey('rotated-key-0123456789') },
        AT,
      );

      const again = await seedStores(local.dynamo, table);

      expect(again.find((store) => store.storeId === 1)?.status).toBe('closed');
      expect(again.find((store) => store.storeId === 2)).not.toHaveProperty('apiKey');
      expect((await stores.findByApiKey('local-dev-key-0123456789abcdef'))?.storeId).toBe(7);
    });
  });
});

describe('startSqs()', () => {
  it('refuses a busy port with a clear error', async () => {
    const first = await startSqs();
    try {
      await expect(startSqs(first.port)).rejects.toThrow(`port ${first.port} on 127.0.0.1 is already in use`);
    } finally {
      await first.close();
    }
  });
});
