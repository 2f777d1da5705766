import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ORDER_STATUS } from '@order-pipeline/common';
import type { StoredOrder } from '@order-pipeline/common/orders-table';
import {
  anOrder,
  captureOutput,
  lambdaContext,
  setEnv,
  sqsEvent,
  TRACE_HEADER,
} from '@order-pipeline/common/testing';
import { parseTraceHeader, setDaemonAddress } from '@order-pipeline/common/tracing';
import {
  collectSegments,
  type LocalAws,
  loadServiceConfig,
  type SegmentCollector,
  type SegmentDocument,
  startLocalAws,
} from '@order-pipeline/local-aws';
import { readConfig } from '../src/config';
import { createHandler } from '../src/createHandler';
import type { RecordDependencies } from '../src/processRecord';
import { sideEffects } from '../src/sideEffects';
import {
  type BatchHandler,
  invokeLikeLambda,
  type Queue,
  receiveRecords,
  sendOrder,
} from './helpers/lambdaDriver';

describe('processOrders against the embedded SQS and DynamoDB', () => {
  let local: LocalAws;
  let queue: Queue;
  let dlq: Queue;
  let documents: DynamoDBDocumentClient;
  let handler: BatchHandler;
  let daemon: SegmentCollector;
  let restoreEnv: () => void = () => undefined;

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer'] });
    const { OrdersQueue, OrdersDeadLetterQueue } = local.queues;
    if (!OrdersQueue || !OrdersDeadLetterQueue) throw new Error('order-consumer queues were not created');
    queue = OrdersQueue;
    dlq = OrdersDeadLetterQueue;
    documents = DynamoDBDocumentClient.from(local.dynamo);

    // The function's environment as `sls offline --stage local` gives it, pointed at this test's
    // embedded services.
    const service = await loadServiceConfig('order-consumer', 'local');
    const functionEnv = { ...service.provider.environment, ...service.functions.processOrders?.environment };
    restoreEnv = setEnv({
      ...Object.fromEntries(Object.entries(functionEnv).map(([name, value]) => [name, String(value)])),
      ...local.env,
      ORDERS_TABLE: local.tables.OrdersTable ?? '',
      STORES_TABLE: local.tables.StoresTable ?? '',
    });

    daemon = await collectSegments();
    setDaemonAddress(daemon.address);

    ({ handler } = await import('../src/handler'));
  }, 60_000);

  afterAll(async () => {
    restoreEnv();
    await local?.stop();
    await daemon?.close();
  });

  const storedOrder = async (orderId: string): Promise<StoredOrder | undefined> => {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: local.tables.OrdersTable,
        Key: { storeId: 7, orderId },
        ConsistentRead: true,
      }),
    );
    return Item as StoredOrder | undefined;
  };

  const itemsFor = async (orderId: string): Promise<number> => {
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: local.tables.OrdersTable }));
    return Items.filter((item) => item.orderId === orderId).length;
  };

  const waitForSegment = (messageId: string): Promise<SegmentDocument> =>
    daemon.segment(
      (segment) => segment.annotations?.messageId === messageId,
      `a segment for message ${messageId}`,
    );

  it("processes an order once although the same message is delivered twice, continuing the producer's trace", async () => {
    const output = captureOutput();
    const order = anOrder();
    const messageId = await sendOrder(local.sqs, queue, order);

    // First delivery: processed, but its deletion is lost (the message comes back, as SQS allows).
    const [first] = await receiveRecords(local.sqs, queue, { max: 1, visibilityTimeout: 0 });
    const firstResponse = await handler(sqsEvent(first ? [first] : []), lambdaContext());
    const [second] = await receiveRecords(local.sqs, queue, { max: 1 });
    const failed = await invokeLikeLambda(handler, local.sqs, queue, second ? [second] : []);

    expect(first?.messageId).toBe(messageId);
    expect(firstResponse.batchItemFailures).toEqual([]);
    expect(second?.messageId).toBe(messageId);
    expect(second?.attributes.ApproximateReceiveCount).toBe('2');
    expect(failed).toEqual([]);
    expect(await itemsFor(order.orderId)).toBe(1);
    expect(await storedOrder(order.orderId)).toEqual(
      expect.objectContaining({
        status: ORDER_STATUS.processed,
        order,
        messageId,
        receiveCount: 1,
        traceId: parseTraceHeader(TRACE_HEADER).root,
        correlationId: `corr-${order.orderId}`,
      }),
    );
    const outcomes = output
      .json()
      .filter((line) => line.messageId === messageId)
      .map((line) => line.outcome);
    expect(outcomes).toEqual(['processed', 'duplicate']);
    const text = output.lines().join('\n');
    for (const secret of [order.customer.name, order.customer.email, order.customer.address.line1]) {
      expect(text).not.toContain(secret);
    }
    const segment = await waitForSegment(messageId);
    expect(segment).toEqual(
      expect.objectContaining({ name: 'order-consumer', trace_id: parseTraceHeader(TRACE_HEADER).root }),
    );
    expect(segment.annotations).toEqual(
      expect.objectContaining({ orderId: order.orderId, storeId: order.storeId }),
    );
  });

  it('stores one order when two messages carry the same order in one batch', async () => {
    captureOutput();
    const order = anOrder();
    await sendOrder(local.sqs, queue, order);
    await sendOrder(local.sqs, queue, order);

    const records = await receiveRecords(local.sqs, queue, { max: 2 });
    const failed = await invokeLikeLambda(handler, local.sqs, queue, records);

    expect(records).toHaveLength(2);
    expect(failed).toEqual([]);
    expect(await itemsFor(order.orderId)).toBe(1);
    expect(await receiveRecords(local.sqs, queue, { max: 1, waitSeconds: 0 })).toEqual([]);
  });

  it('lets a poison message reach the DLQ through the redrive policy after exactly maxReceiveCount receives', async () => {
    const output = captureOutput();
    const { Attributes } = await local.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['RedrivePolicy'] }),
    );
    const { maxReceiveCount } = JSON.parse(Attributes?.RedrivePolicy ?? '{}') as { maxReceiveCount: number };
    const order = anOrder();
    const messageId = await sendOrder(local.sqs, queue, order, { storeId: null });

    // The handler backs a poison record off (POISON_BACKOFF_SECONDS, 1 s on the local stage), so each
    // receive waits for it to come back instead of the queue's 30 s visibility timeout.
    const receiveCounts: string[] = [];
    for (let receive = 1; receive <= maxReceiveCount; receive++) {
      const records = await receiveRecords(local.sqs, queue, { max: 1, waitSeconds: 6 });
      expect(records.map((record) => record.messageId)).toEqual([messageId]);
      receiveCounts.push(records[0]?.attributes.ApproximateReceiveCount ?? '');
      expect(await invokeLikeLambda(handler, local.sqs, queue, records)).toEqual([messageId]);
    }
    const afterLast = await receiveRecords(local.sqs, queue, { max: 1, waitSeconds: 0 });
    // The redrive happens once the last back-off (POISON_BACKOFF_SECONDS = 1 s) has passed.
    const deadLetters = await receiveRecords(local.sqs, dlq, { max: 1, waitSeconds: 6 });

    expect(maxReceiveCount).toBeGreaterThan(1);
    expect(receiveCounts).toEqual(Array.from({ length: maxReceiveCount }, (_, index) => String(index + 1)));
    expect(afterLast).toEqual([]);
    expect(deadLetters.map((record) => record.messageId)).toEqual([messageId]);
    expect(deadLetters[0]?.body).toBe(JSON.stringify(order));
    expect(await storedOrder(order.orderId)).toBeUndefined();
    const poisonLines = output.json().filter((line) => line.messageId === messageId);
    expect(poisonLines).toHaveLength(maxReceiveCount);
    expect(
      poisonLines.every((line) => line.outcome === 'poison' && line.classification === 'missing-store-id'),
    ).toBe(true);
  }, 20_000);

  it('retries a transient failure after its back-off and then stores the order', async () => {
    const output = captureOutput();
    const deps = sideEffects(readConfig());
    let attempts = 0;
    // DynamoDB throttles the first write only.
    const throttleFirstWrite: RecordDependencies['orders'] = {
      putProcessed: async (item) => {
        attempts++;
        if (attempts === 1) {
          throw new ProvisionedThroughputExceededException({
            message: 'The level of configured provisioned throughput for the table was exceeded.',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return deps.orders.putProcessed(item);
      },
    };
    const retryingHandler = createHandler({ ...deps, orders: throttleFirstWrite });
    const order = anOrder();
    const messageId = await sendOrder(local.sqs, queue, order);

    // The queue's own visibility timeout (30 s) applies on receive: only the handler's back-off
    // (ChangeMessageVisibility to BACKOFF_BASE_SECONDS = 1 s) brings the message back within the wait.
    const firstFailed = await invokeLikeLambda(
      retryingHandler,
      local.sqs,
      queue,
      await receiveRecords(local.sqs, queue, { max: 1 }),
    );
    const retried = await receiveRecords(local.sqs, queue, { max: 1, waitSeconds: 5 });
    const retryFailed = await invokeLikeLambda(retryingHandler, local.sqs, queue, retried);

    expect(firstFailed).toEqual([messageId]);
    expect(retried.map((record) => record.messageId)).toEqual([messageId]);
    const receiveCount = Number(retried[0]?.attributes.ApproximateReceiveCount);
    expect(receiveCount).toBe(2);
    expect(retryFailed).toEqual([]);
    expect(await storedOrder(order.orderId)).toEqual(expect.objectContaining({ receiveCount, messageId }));
    expect(await receiveRecords(local.sqs, queue, { max: 1, waitSeconds: 0 })).toEqual([]);
    expect(await receiveRecords(local.sqs, dlq, { max: 1, waitSeconds: 0 })).toEqual([]);
    const transient = output
      .json()
      .find((line) => line.messageId === messageId && line.outcome === 'transient');
    expect(transient).toEqual(expect.objectContaining({ retryInSeconds: 1, visibilityChanged: true }));
  });
});
