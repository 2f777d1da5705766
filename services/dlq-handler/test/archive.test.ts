import type { Order } from '@order-pipeline/common';
import { createLogger, DEAD_LETTER_CLASS, ORDER_STATUS, orderFingerprint } from '@order-pipeline/common';
import type { StoredOrder } from '@order-pipeline/common/orders-table';
import {
  anOrder,
  captureOutput,
  FakeOrdersTable,
  orderRecord,
  orderRecordAttributes,
  sqsRecord,
  TRACE_HEADER,
} from '@order-pipeline/common/testing';
import { archiveDeadLetter, archiveDeadLetters } from '../src/archive';
import type { DeadLetterStore } from '../src/deadLetterTable';
import { fakeArchiveDeps } from './support/fakes';

const processedItem = (order: Order): StoredOrder => ({
  storeId: order.storeId,
  orderId: order.orderId,
  status: ORDER_STATUS.processed,
  fingerprint: orderFingerprint(order),
  order,
  messageId: 'first-delivery',
  updatedAt: '2026-11-22T11:00:00.000Z',
});

const poison = (order = anOrder()) =>
  sqsRecord({ body: JSON.stringify(order), messageAttributes: orderRecordAttributes(null) });

describe('archiveDeadLetter()', () => {
  it('archives the dead letter keyed by message id and marks its order DEAD_LETTERED', async () => {
    const { deps, deadLetters, orders, metrics } = fakeArchiveDeps();
    const order = anOrder();
    const record = poison(order);

    const outcome = await archiveDeadLetter(record, deps);

    expect(outcome).toEqual({
      messageId: record.messageId,
      classification: DEAD_LETTER_CLASS.missingStoreId,
      archive: 'archived',
      order: 'changed',
    });
    expect(deadLetters.items.get(record.messageId)).toEqual(
      expect.objectContaining({
        status: 'ARCHIVED',
        classification: 'missing-store-id',
        orderId: order.orderId,
      }),
    );
    expect(orders.item(order)?.status).toBe('DEAD_LETTERED');
    expect(orders.argumentsOf('markDeadLettered')[0]).toEqual(
      expect.objectContaining({
        classification: 'missing-store-id',
        reason: 'message has no store_id attribute',
      }),
    );
    expect(metrics.archived).toEqual(['missing-store-id']);
  });

  it('treats a second delivery of the same dead letter as already archived: one record, one metric', async () => {
    const { deps, deadLetters, metrics } = fakeArchiveDeps();
    const record = poison();

    await archiveDeadLetter(record, deps);
    const second = await archiveDeadLetter(record, deps);

    expect(second.archive).toBe('already-archived');
    expect(deadLetters.items.size).toBe(1);
    expect(metrics.archived).toHaveLength(1);
    expect(metrics.notArchived).toEqual([]);
  });

  it('still marks the order on a redelivery, in case the first delivery failed after archiving', async () => {
    const orders = new FakeOrdersTable();
    orders.failNext.push(new Error('throttled'));
    const { deps } = fakeArchiveDeps({ orders });
    const order = anOrder();
    const record = poison(order);

    await expect(archiveDeadLetter(record, deps)).rejects.toThrow('throttled');
    const retried = await archiveDeadLetter(record, deps);

    expect(retried).toEqual(expect.objectContaining({ archive: 'already-archived', order: 'changed' }));
    expect(orders.item(order)?.status).toBe('DEAD_LETTERED');
  });

  it('fails when the archive cannot be written, and then leaves the order alone', async () => {
    const failingStore: Pick<DeadLetterStore, 'archive'> = {
      archive: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const { deps, orders, log, tracer, metrics } = fakeArchiveDeps({ deadLetters: failingStore });

    await expect(archiveDeadLetter(poison(), deps)).rejects.toThrow('ProvisionedThroughputExceededException');

    expect(metrics.notArchived).toHaveLength(1);
    expect(metrics.archived).toEqual([]);
    expect(orders.argumentsOf('markDeadLettered')).toEqual([]);
    expect(log.lines.map((line) => line.message)).toEqual(['dead letter not archived; it stays on the DLQ']);
    expect(tracer.spans[0]?.failures).toHaveLength(1);
  });

  it('archives a copy of an order stored PROCESSED with the same content as already-processed, outside the alarm', async () => {
    const order = anOrder();
    const orders = new FakeOrdersTable();
    orders.seed(processedItem(order));
    const { deps, metrics } = fakeArchiveDeps({ orders });

    const outcome = await archiveDeadLetter(orderRecord(order), deps);

    expect(outcome).toEqual(
      expect.objectContaining({
        classification: 'already-processed',
        archive: 'archived',
        order: 'no-order',
      }),
    );
    expect(orders.item(order)?.status).toBe('PROCESSED');
    expect(metrics.archived).toEqual(['already-processed']);
  });

  it('archives a message whose (storeId, orderId) holds other content as order-conflict, leaving that order alone', async () => {
    const order = anOrder();
    const orders = new FakeOrdersTable();
    orders.seed(processedItem(order));
    const { deps, deadLetters } = fakeArchiveDeps({ orders });
    const record = orderRecord({ ...order, currency: 'USD' });

    const outcome = await archiveDeadLetter(record, deps);

    expect(outcome).toEqual(expect.objectContaining({ classification: 'order-conflict', order: 'no-order' }));
    expect(deadLetters.items.get(record.messageId)?.reason).toMatch(/other content/);
    expect(orders.item(order)?.fingerprint).toBe(orderFingerprint(order));
  });

  it('keeps retries-exhausted for a valid order that is only ACCEPTED, and marks it DEAD_LETTERED', async () => {
    const order = anOrder();
    const orders = new FakeOrdersTable();
    orders.seed({ ...processedItem(order), status: ORDER_STATUS.accepted, order: undefined });
    const { deps } = fakeArchiveDeps({ orders });

    const outcome = await archiveDeadLetter(orderRecord(order), deps);

    expect(outcome).toEqual(
      expect.objectContaining({ classification: 'retries-exhausted', order: 'changed' }),
    );
    expect(orders.item(order)?.status).toBe('DEAD_LETTERED');
  });

  it.each([
    ['names no order', '{oops'],
    ['names an id no order can have', JSON.stringify({ orderId: 'x'.repeat(3000) })],
  ])('marks no order when the body %s', async (_label, body) => {
    const { deps, orders } = fakeArchiveDeps();

    const outcome = await archiveDeadLetter(sqsRecord({ body }), deps);

    expect(outcome.order).toBe('no-order');
    expect(orders.argumentsOf('markDeadLettered')).toEqual([]);
  });

  it("opens one span per record, continuing the producer's trace and annotated with its ids", async () => {
    const { deps, tracer } = fakeArchiveDeps();
    const order = anOrder({ storeId: 9 });
    const record = orderRecord(order, { attributes: { AWSTraceHeader: TRACE_HEADER } });

    await archiveDeadLetter(record, deps);

    expect(tracer.spans.map((span) => span.options)).toEqual([
      {
        name: 'dlq-handler',
        parentHeader: TRACE_HEADER,
        annotations: {
          messageId: record.messageId,
          orderId: order.orderId,
          storeId: 9,
          classification: 'store-not-open',
        },
      },
    ]);
  });

  it('writes one structured log line per record, in which no personal data appears', async () => {
    const output = captureOutput(['stdout']);
    const { deps } = fakeArchiveDeps({ logger: createLogger('dlq-handler') });
    const order = anOrder();
    // An e-mail the schema refuses: the record is invalid-order, its reason names the field.
    const invalid = { ...order, customer: { ...order.customer, email: 'grace at grace@example.com' } };

    await archiveDeadLetter(orderRecord(invalid), deps);

    const logged = output.lines().filter((line) => line.includes('"service":"dlq-handler"'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(order.orderId);
    expect(logged[0]).toContain('invalid-order');
    for (const secret of ['grace@example.com', order.customer.name, order.customer.address.line1]) {
      expect(logged[0]).not.toContain(secret);
    }
  });
});

describe('archiveDeadLetters()', () => {
  it('settles every record in order, a failed one as rejected', async () => {
    const failing = poison();
    const { deps } = fakeArchiveDeps();
    const store = deps.deadLetters;
    deps.deadLetters = {
      archive: (deadLetter) =>
        deadLetter.messageId === failing.messageId
          ? Promise.reject(new Error('down'))
          : store.archive(deadLetter),
    };

    const results = await archiveDeadLetters([poison(), failing, poison()], deps);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('works on the records concurrently', async () => {
    const started: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { deps } = fakeArchiveDeps({
      deadLetters: {
        archive: async (deadLetter) => {
          started.push(deadLetter.messageId);
          await gate;
          return 'archived';
        },
      },
    });
    const records = [poison(), poison(), poison()];

    const settled = archiveDeadLetters(records, deps);
    await new Promise((resolve) => setImmediate(resolve));
    const startedBeforeAnyFinished = [...started];
    release();
    await settled;

    expect(startedBeforeAnyFinished).toEqual(records.map((record) => record.messageId));
  });
});
