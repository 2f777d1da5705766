import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type LocalAws, startLocalAws, startSqs } from '../src';

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
