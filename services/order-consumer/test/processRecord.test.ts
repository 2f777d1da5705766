import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { ReceiptHandleIsInvalid } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_CLASS, ORDER_STATUS, orderFingerprint } from '@order-pipeline/common';
import {
  anOrder,
  FIXED_NOW,
  orderRecord,
  orderRecordAttributes,
  sqsRecord,
  TRACE_HEADER,
} from '@order-pipeline/common/testing';
import { parseTraceHeader } from '@order-pipeline/common/tracing';
import { PoisonMessageError, SimulatedCrashError } from '../src/errors';
import { chaosFaults } from '../src/faults';
import { OUTCOME_METRIC, processRecord } from '../src/processRecord';
import { fakeDependencies } from './helpers/fakes';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:000000000000:order-consumer-test-orders';
const PRODUCER_ROOT = parseTraceHeader(TRACE_HEADER).root;

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

/** The one warning line `processRecord` writes for an outcome: its message holds `message`, its attributes hold `attributes`. */
const warning = (message: string, attributes: Record<string, unknown>) => ({
  level: 'warn',
  message: expect.stringContaining(message),
  attributes: expect.objectContaining(attributes),
});

describe('processRecord()', () => {
  it("annotates each record's span with its outcome, so a trace tells processed from duplicate", async () => {
    const { deps, spans } = fakeDependencies();
    const order = anOrder();

    await processRecord(orderRecord(order), deps);
    await processRecord(orderRecord(order), deps);
    await expect(
      processRecord(orderRecord(order, { messageAttributes: orderRecordAttributes(null) }), deps),
    ).rejects.toThrow();

    expect(spans.map((span) => span.annotations.outcome)).toEqual(['processed', 'duplicate', 'poison']);
  });

  describe('a valid order', () => {
    it('writes it once as a PROCESSED StoredOrder and resolves as processed', async () => {
      const { deps, orders } = fakeDependencies();
      const order = anOrder({ storeId: 3 });
      const record = orderRecord(order, { attributes: { ApproximateReceiveCount: '2' } });

      const outcome = await processRecord(record, deps);

      expect(outcome).toBe('processed');
      expect(orders.argumentsOf('putProcessed')).toEqual([
        {
          storeId: 3,
          orderId: order.orderId,
          fingerprint: orderFingerprint(order),
          order,
          messageId: record.messageId,
          traceId: PRODUCER_ROOT,
          correlationId: 'corr-0001',
          receiveCount: 2,
          at: FIXED_NOW.toISOString(),
        },
      ]);
      expect(orders.item(order)?.status).toBe(ORDER_STATUS.processed);
    });

    it('writes one log line with the outcome and the record identifiers, and counts it', async () => {
      const { deps, logs, metrics } = fakeDependencies();
      const order = anOrder();
      const record = orderRecord(order);

      await processRecord(record, deps);

      expect(logs).toEqual([
        {
          level: 'info',
          message: 'order processed',
          attributes: {
            outcome: 'processed',
            messageId: record.messageId,
            orderId: order.orderId,
            storeId: order.storeId,
            correlationId: 'corr-0001',
            traceId: PRODUCER_ROOT,
            receiveCount: 1,
          },
        },
      ]);
      expect(metrics).toEqual([{ name: OUTCOME_METRIC.processed, value: 1 }]);
    });

    it("runs inside a span that continues the producer's trace, annotated with the record's ids", async () => {
      const { deps, spans } = fakeDependencies();
      const order = anOrder();
      const record = orderRecord(order);

      await processRecord(record, deps);

      expect(spans.map((span) => span.options)).toEqual([
        {
          name: 'order-consumer',
          parentHeader: TRACE_HEADER,
          annotations: { messageId: record.messageId, orderId: order.orderId, storeId: order.storeId },
        },
      ]);
    });

    it('stores no trace id when the record carries no AWSTraceHeader', async () => {
      const { deps, orders } = fakeDependencies();
      const record = orderRecord(anOrder(), { attributes: { AWSTraceHeader: undefined } });

      await processRecord(record, deps);

      expect(orders.argumentsOf('putProcessed')[0]?.traceId).toBeUndefined();
    });
  });

  describe('a duplicate delivery', () => {
    it('succeeds without writing a second order, logged and counted as a duplicate', async () => {
      const { deps, orders, logs, metrics } = fakeDependencies();
      const order = anOrder();
      await processRecord(orderRecord(order), deps);
      const redelivery = orderRecord(order);

      const outcome = await processRecord(redelivery, deps);

      expect(outcome).toBe('duplicate');
      expect(orders.items.size).toBe(1);
      expect(logs[1]).toEqual(
        expect.objectContaining({
          level: 'info',
          attributes: expect.objectContaining({ outcome: 'duplicate', messageId: redelivery.messageId }),
        }),
      );
      expect(metrics[1]).toEqual({ name: OUTCOME_METRIC.duplicate, value: 1 });
    });
  });

  describe('a poison message', () => {
    const order = anOrder({ storeId: 7 });
    it.each([
      [
        'has no store_id attribute',
        orderRecord(order, { messageAttributes: orderRecordAttributes(null) }),
        DEAD_LETTER_CLASS.missingStoreId,
      ],
      [
        'has no message attributes at all',
        orderRecord(order, { messageAttributes: {} }),
        DEAD_LETTER_CLASS.missingStoreId,
      ],
      [
        'has a body that is not JSON',
        sqsRecord({ body: '{"orderId": "ord-1",' }),
        DEAD_LETTER_CLASS.unparseable,
      ],
      [
        'has a body that is not an Order',
        sqsRecord({ body: JSON.stringify({ orderId: 'ord-1', storeId: 7 }) }),
        DEAD_LETTER_CLASS.invalidOrder,
      ],
      [
        'has a store_id that disagrees with the body',
        orderRecord(order, { messageAttributes: orderRecordAttributes(3) }),
        DEAD_LETTER_CLASS.invalidOrder,
      ],
      [
        'comes from a store that is not open',
        orderRecord(anOrder({ storeId: 99 })),
        DEAD_LETTER_CLASS.storeNotOpen,
      ],
    ])(
      'fails when it %s, writing nothing and returning it after its back-off',
      async (_, record, classification) => {
        const { deps, orders, visibility } = fakeDependencies();

        const outcome = processRecord(record, deps);

        await expect(outcome).rejects.toBeInstanceOf(PoisonMessageError);
        await expect(outcome).rejects.toMatchObject({ classification });
        expect(orders.argumentsOf('putProcessed')).toEqual([]);
        expect(visibility.changes.map((change) => change.seconds)).toEqual([2]);
      },
    );

    it("keeps its short fixed back-off on every receive, while a transient failure's grows to the cap", async () => {
      const { deps, orders, visibility } = fakeDependencies({
        backoff: { baseSeconds: 2, maxSeconds: 300, poisonSeconds: 1 },
      });
      const ninthReceive = { attributes: { ApproximateReceiveCount: '9' } };
      orders.failNext.push(throttled());

      await expect(
        processRecord(
          orderRecord(anOrder(), { ...ninthReceive, messageAttributes: orderRecordAttributes(null) }),
          deps,
        ),
      ).rejects.toBeInstanceOf(PoisonMessageError);
      await expect(processRecord(orderRecord(anOrder(), ninthReceive), deps)).rejects.toBeInstanceOf(
        ProvisionedThroughputExceededException,
      );

      expect(visibility.changes.map((change) => change.seconds)).toEqual([1, 300]);
    });

    it('never logs or annotates a correlation_id attribute that carries personal data', async () => {
      const { deps, logs, spans } = fakeDependencies();
      const record = orderRecord(anOrder(), {
        messageAttributes: {
          ...orderRecordAttributes(null),
          correlation_id: { dataType: 'String', stringValue: 'ssn:078-05-1120' },
        },
      });

      await expect(processRecord(record, deps)).rejects.toThrow();

      expect(logs[0]?.attributes.correlationId).toBeUndefined();
      expect(JSON.stringify({ logs, spanAnnotations: spans.map((span) => span.annotations) })).not.toContain(
        '078-05-1120',
      );
    });

    it('logs no orderId that is a card number', async () => {
      const { deps, logs } = fakeDependencies();
      const record = sqsRecord({ body: JSON.stringify({ orderId: '4111111111111111', storeId: 7 }) });

      await expect(processRecord(record, deps)).rejects.toThrow();

      expect(logs[0]?.attributes.orderId).toBeUndefined();
    });

    it('fails a message whose (storeId, orderId) is stored with other content as order-conflict, never as a duplicate', async () => {
      const { deps, orders } = fakeDependencies();
      const order = anOrder();
      await processRecord(orderRecord(order), deps);

      const outcome = processRecord(orderRecord({ ...order, currency: 'USD' }), deps);

      await expect(outcome).rejects.toMatchObject({ classification: DEAD_LETTER_CLASS.orderConflict });
      expect(orders.item(order)?.order).toEqual(order);
    });

    it('stores the same orderId of two stores as two orders', async () => {
      const { deps, orders } = fakeDependencies();
      const seven = anOrder({ storeId: 7 });
      const three = { ...seven, storeId: 3 };

      const outcomes = [
        await processRecord(orderRecord(seven), deps),
        await processRecord(orderRecord(three, { messageAttributes: orderRecordAttributes(3) }), deps),
      ];

      expect(outcomes).toEqual(['processed', 'processed']);
      expect(orders.items.size).toBe(2);
    });

    it('is logged as poison with its classification and counted', async () => {
      const { deps, logs, metrics } = fakeDependencies();
      const order = anOrder();
      const record = orderRecord(order, { messageAttributes: orderRecordAttributes(null) });

      await expect(processRecord(record, deps)).rejects.toThrow('message has no store_id attribute');

      expect(logs).toEqual([
        warning('poison message', {
          outcome: 'poison',
          classification: DEAD_LETTER_CLASS.missingStoreId,
          messageId: record.messageId,
          orderId: order.orderId,
          storeId: undefined,
          traceId: PRODUCER_ROOT,
        }),
      ]);
      expect(metrics).toEqual([{ name: OUTCOME_METRIC.poison, value: 1 }]);
    });
  });

  describe('a transient failure', () => {
    it('fails the record and delays its next delivery by its back-off, on its own queue', async () => {
      const { deps, orders, visibility } = fakeDependencies({
        backoff: { baseSeconds: 2, maxSeconds: 300, poisonSeconds: 2 },
      });
      orders.failNext.push(throttled());
      const record = orderRecord(anOrder(), {
        attributes: { ApproximateReceiveCount: '3' },
        eventSourceARN: QUEUE_ARN,
      });

      await expect(processRecord(record, deps)).rejects.toBeInstanceOf(
        ProvisionedThroughputExceededException,
      );

      expect(visibility.changes).toEqual([
        {
          record: expect.objectContaining({ receiptHandle: record.receiptHandle, eventSourceARN: QUEUE_ARN }),
          seconds: 8,
        },
      ]);
    });

    it('is logged as transient with its back-off and counted', async () => {
      const { deps, orders, logs, metrics } = fakeDependencies();
      orders.failNext.push(throttled());
      const record = orderRecord(anOrder());

      await expect(processRecord(record, deps)).rejects.toThrow('Rate exceeded');

      expect(logs).toEqual([
        warning('transient failure', {
          outcome: 'transient',
          messageId: record.messageId,
          retryInSeconds: 2,
          visibilityChanged: true,
          errorName: 'ProvisionedThroughputExceededException',
        }),
      ]);
      expect(metrics).toEqual([{ name: OUTCOME_METRIC.transient, value: 1 }]);
    });

    it('still fails the record when changing its visibility fails', async () => {
      const { deps, orders, visibility, logs } = fakeDependencies();
      orders.failNext.push(new InternalServerError({ message: 'boom', $metadata: { httpStatusCode: 500 } }));
      visibility.failWith = new ReceiptHandleIsInvalid({
        message: 'expired',
        $metadata: { httpStatusCode: 400 },
      });

      await expect(processRecord(orderRecord(anOrder()), deps)).rejects.toBeInstanceOf(InternalServerError);

      expect(visibility.changes).toHaveLength(1);
      expect(logs).toHaveLength(1);
      expect(logs[0]?.attributes).toEqual(
        expect.objectContaining({
          outcome: 'transient',
          visibilityChanged: false,
          visibilityErrorName: 'ReceiptHandleIsInvalid',
        }),
      );
    });
  });

  describe('an unexpected error', () => {
    it('fails the record without a back-off, logged as an error and counted', async () => {
      const { deps, orders, visibility, logs, metrics } = fakeDependencies();
      orders.failNext.push(new TypeError("Cannot read properties of undefined (reading 'S')"));

      await expect(processRecord(orderRecord(anOrder()), deps)).rejects.toBeInstanceOf(TypeError);

      expect(visibility.changes).toEqual([]);
      expect(logs).toEqual([
        expect.objectContaining({
          level: 'error',
          attributes: expect.objectContaining({ outcome: 'failed', errorName: 'TypeError' }),
        }),
      ]);
      expect(metrics).toEqual([{ name: OUTCOME_METRIC.failed, value: 1 }]);
    });

    it('treats a condition failure the store did not absorb as unexpected, never as success', async () => {
      const { deps, orders } = fakeDependencies();
      orders.failNext.push(new ConditionalCheckFailedException({ message: 'nope', $metadata: {} }));

      await expect(processRecord(orderRecord(anOrder()), deps)).rejects.toBeInstanceOf(
        ConditionalCheckFailedException,
      );
    });

    it('fails the record when writing the log line throws', async () => {
      const { deps } = fakeDependencies();
      deps.logger.info = () => {
        throw new Error('stdout closed');
      };

      await expect(processRecord(orderRecord(anOrder()), deps)).rejects.toThrow();
    });
  });

  describe('with chaos faults', () => {
    const chaos = (value: string, receiveCount: number) =>
      orderRecord(anOrder(), {
        messageAttributes: {
          ...orderRecordAttributes(7),
          chaos: { dataType: 'String', stringValue: value },
        },
        attributes: { ApproximateReceiveCount: String(receiveCount) },
      });

    it('fails `transient:N` as transient while the receive count is at most N, then writes it', async () => {
      const { deps, orders, visibility } = fakeDependencies({ faults: chaosFaults });

      await expect(processRecord(chaos('transient:2', 2), deps)).rejects.toThrow(
        'simulated transient failure',
      );
      expect(visibility.changes).toHaveLength(1);
      expect(orders.argumentsOf('putProcessed')).toEqual([]);

      await expect(processRecord(chaos('transient:2', 3), deps)).resolves.toBe('processed');
    });

    it('fails `crash` as an unexpected error', async () => {
      const { deps, visibility, logs } = fakeDependencies({ faults: chaosFaults });

      await expect(processRecord(chaos('crash', 1), deps)).rejects.toBeInstanceOf(SimulatedCrashError);

      expect(visibility.changes).toEqual([]);
      expect(logs[0]?.attributes.outcome).toBe('failed');
    });

    it('ignores the chaos attribute when no fault injector is given', async () => {
      const { deps } = fakeDependencies();

      await expect(processRecord(chaos('crash', 1), deps)).resolves.toBe('processed');
    });
  });
});
