import { Metrics } from '@aws-lambda-powertools/metrics';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { OrdersTable, ProcessResult } from '@order-pipeline/common/orders-table';
import {
  anOrder,
  captureOutput,
  emfDocuments,
  lambdaContext,
  metricTotal,
  orderRecord,
  orderRecordAttributes,
  sqsEvent,
  sqsRecord,
} from '@order-pipeline/common/testing';
import { createHandler, type HandlerDependencies } from '../src/createHandler';
import { crashAfterBatch } from '../src/faults';
import { OUTCOME_METRIC, type RecordDependencies } from '../src/processRecord';
import { fakeDependencies, storedOrder } from './helpers/fakes';

const NAMESPACE = 'OrderPipelineTest';

const handlerWith = (
  overrides: Partial<RecordDependencies> = {},
  extra: Partial<HandlerDependencies> = {},
) => {
  const fakes = fakeDependencies(overrides);
  const deps: HandlerDependencies = {
    ...fakes.deps,
    metrics: new Metrics({ namespace: NAMESPACE, serviceName: 'order-consumer' }),
    ...extra,
  };
  return { ...fakes, handler: createHandler(deps) };
};

const poisonRecord = () => orderRecord(anOrder(), { messageAttributes: orderRecordAttributes(null) });
const throttled = () =>
  new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });

describe('the processOrders handler', () => {
  it('reports every record failed when a chaos crash hits after the batch, though the orders were stored', async () => {
    captureOutput();
    const { handler, orders } = handlerWith({}, { crashAfterBatch: crashAfterBatch(1) });
    const records = [orderRecord(anOrder()), orderRecord(anOrder())];

    const response = await handler(sqsEvent(records), lambdaContext());

    expect(response).toEqual({
      batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })),
    });
    expect(orders.items.size).toBe(2);
  });

  it('does not crash when the chaos draw misses', async () => {
    captureOutput();
    const { handler } = handlerWith({}, { crashAfterBatch: crashAfterBatch(0.5, () => 0.9) });

    await expect(handler(sqsEvent([orderRecord(anOrder())]), lambdaContext())).resolves.toEqual({
      batchItemFailures: [],
    });
  });

  it('reports exactly the failed message ids, in a batch of good, duplicate, poison and transient records', async () => {
    captureOutput();
    const { handler, orders } = handlerWith();
    const stored = anOrder();
    orders.seed(storedOrder(stored));
    const slowed = anOrder();
    orders.failures.set(slowed.orderId, throttled());
    const good = orderRecord(anOrder());
    const duplicate = orderRecord(stored);
    const poison = poisonRecord();
    const malformed = sqsRecord({ body: 'not json' });
    const transient = orderRecord(slowed);

    const response = await handler(
      sqsEvent([good, poison, duplicate, malformed, transient]),
      lambdaContext(),
    );

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: poison.messageId },
        { itemIdentifier: malformed.messageId },
        { itemIdentifier: transient.messageId },
      ],
    });
  });

  it('reports every record when every record fails', async () => {
    captureOutput();
    const { handler } = handlerWith();
    const records = [poisonRecord(), sqsRecord({ body: '' }), poisonRecord()];

    const response = await handler(sqsEvent(records), lambdaContext());

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      records.map((record) => record.messageId),
    );
  });

  it('reports no failure for a batch that succeeds, or an empty one', async () => {
    captureOutput();
    const { handler } = handlerWith();

    await expect(handler(sqsEvent([orderRecord(anOrder())]), lambdaContext())).resolves.toEqual({
      batchItemFailures: [],
    });
    await expect(handler(sqsEvent([]), lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  });

  it('processes the records of a batch concurrently: every write starts before any finishes', async () => {
    captureOutput();
    const events: string[] = [];
    const table: Pick<OrdersTable, 'putProcessed'> = {
      async putProcessed(item): Promise<ProcessResult> {
        events.push(`start ${item.orderId}`);
        // Yield to the event loop: a sequential consumer would finish this write before starting the next.
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`end ${item.orderId}`);
        return 'created';
      },
    };
    const { handler } = handlerWith({ orders: table });
    const orders = [anOrder(), anOrder(), anOrder(), anOrder()];

    const response = await handler(sqsEvent(orders.map((order) => orderRecord(order))), lambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect(events.slice(0, orders.length)).toEqual(orders.map((order) => `start ${order.orderId}`));
    expect(events.slice(orders.length).sort()).toEqual(orders.map((order) => `end ${order.orderId}`).sort());
  });

  it('fails the whole batch, losing no record, when the invocation is about to time out', async () => {
    captureOutput();
    // A write that never answers keeps the batch in flight until middy's timeout guard fires.
    const orders: Pick<OrdersTable, 'putProcessed'> = {
      putProcessed: () => new Promise<ProcessResult>(() => undefined),
    };
    const { handler } = handlerWith({ orders });
    const records = [orderRecord(anOrder()), orderRecord(anOrder())];

    const response = await handler(sqsEvent(records), lambdaContext('processOrders', 50));

    expect(response).toEqual({
      batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })),
    });
  });

  it('fails the invocation, so that Lambda retries the whole batch, when flushing metrics throws', async () => {
    captureOutput();
    const fakes = fakeDependencies();
    const metrics = new Metrics({ namespace: NAMESPACE, serviceName: 'order-consumer' });
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      throw new Error('EMF serialisation failed');
    });
    const handler = createHandler({ ...fakes.deps, metrics });

    await expect(handler(sqsEvent([orderRecord(anOrder())]), lambdaContext())).rejects.toThrow(
      'EMF serialisation failed',
    );
  });

  it('flushes the outcome counts as one EMF document per invocation', async () => {
    const output = captureOutput();
    const { handler, orders } = handlerWith();
    const slowed = anOrder();
    orders.failures.set(slowed.orderId, throttled());
    const order = anOrder();

    await handler(
      sqsEvent([
        orderRecord(order),
        orderRecord(order),
        orderRecord(anOrder()),
        poisonRecord(),
        orderRecord(slowed),
      ]),
      lambdaContext(),
    );
    const afterFirst = emfDocuments(output.json());
    await handler(sqsEvent([poisonRecord()]), lambdaContext());
    const afterSecond = emfDocuments(output.json());

    expect(afterFirst).toHaveLength(1);
    const [first] = afterFirst;
    expect(first?._aws).toEqual(
      expect.objectContaining({
        CloudWatchMetrics: [expect.objectContaining({ Namespace: NAMESPACE, Dimensions: [['service']] })],
      }),
    );
    expect(first?.service).toBe('order-consumer');
    expect(metricTotal(first, OUTCOME_METRIC.processed)).toBe(2);
    expect(metricTotal(first, OUTCOME_METRIC.duplicate)).toBe(1);
    expect(metricTotal(first, OUTCOME_METRIC.poison)).toBe(1);
    expect(metricTotal(first, OUTCOME_METRIC.transient)).toBe(1);
    expect(afterSecond).toHaveLength(2);
    expect(metricTotal(afterSecond[1], OUTCOME_METRIC.poison)).toBe(1);
    expect(metricTotal(afterSecond[1], OUTCOME_METRIC.processed)).toBe(0);
  });
});
