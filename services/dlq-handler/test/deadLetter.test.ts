import { DEAD_LETTER_CLASS } from '@order-pipeline/common';
import {
  anOrder,
  FIXED_NOW,
  openStores,
  orderRecord,
  orderRecordAttributes,
  sqsRecord,
  TRACE_HEADER,
} from '@order-pipeline/common/testing';
import { describeDeadLetter, isoFromEpochMillis } from '../src/deadLetter';

const OPEN = openStores(7, 8);
const SOURCE = 'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders';
const DLQ = 'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders-dlq';

describe('describeDeadLetter()', () => {
  it('classifies a message without store_id as missing-store-id, keeping the ids it can read', async () => {
    const order = anOrder({ storeId: 8 });
    const record = sqsRecord({ body: JSON.stringify(order), messageAttributes: orderRecordAttributes(null) });

    const deadLetter = await describeDeadLetter(record, OPEN, FIXED_NOW);

    expect(deadLetter).toEqual(
      expect.objectContaining({
        messageId: record.messageId,
        status: 'ARCHIVED',
        classification: DEAD_LETTER_CLASS.missingStoreId,
        orderId: order.orderId,
        storeId: 8,
        body: record.body,
      }),
    );
  });

  it.each([
    ['a body that is not JSON', sqsRecord({ body: '{oops' }), DEAD_LETTER_CLASS.unparseable],
    [
      'a body that is not an order',
      sqsRecord({ body: JSON.stringify({ orderId: 'o-1' }) }),
      DEAD_LETTER_CLASS.invalidOrder,
    ],
    ['an order from a closed store', orderRecord(anOrder({ storeId: 9 })), DEAD_LETTER_CLASS.storeNotOpen],
    [
      'a valid order from an open store',
      orderRecord(anOrder({ storeId: 7 })),
      DEAD_LETTER_CLASS.retriesExhausted,
    ],
  ])('classifies %s', async (_label, record, classification) => {
    expect((await describeDeadLetter(record, OPEN, FIXED_NOW)).classification).toBe(classification);
  });

  it('names the source queue from DeadLetterQueueSourceArn, else the queue it was received from', async () => {
    const moved = sqsRecord({ eventSourceARN: DLQ, attributes: { DeadLetterQueueSourceArn: SOURCE } });
    const sentStraightToTheDlq = sqsRecord({ eventSourceARN: DLQ });

    expect((await describeDeadLetter(moved, OPEN, FIXED_NOW)).sourceQueueArn).toBe(SOURCE);
    expect((await describeDeadLetter(sentStraightToTheDlq, OPEN, FIXED_NOW)).sourceQueueArn).toBe(DLQ);
  });

  it('keeps the trace header, its trace id, receive count and times as ISO strings', async () => {
    const record = sqsRecord({
      attributes: {
        ApproximateReceiveCount: '4',
        SentTimestamp: '1795341600000',
        ApproximateFirstReceiveTimestamp: '1795341601000',
        AWSTraceHeader: TRACE_HEADER,
      },
    });

    const deadLetter = await describeDeadLetter(record, OPEN, FIXED_NOW);

    expect(deadLetter).toEqual(
      expect.objectContaining({
        traceHeader: TRACE_HEADER,
        traceId: '1-5759e988-bd862e3fe1be46a994272793',
        receiveCount: 4,
        sentAt: '2026-11-22T10:00:00.000Z',
        firstReceivedAt: '2026-11-22T10:00:01.000Z',
        lastReceivedAt: FIXED_NOW.toISOString(),
        archivedAt: FIXED_NOW.toISOString(),
      }),
    );
  });

  it('reads how often the message was redriven from its redrive_count attribute', async () => {
    const order = anOrder();
    const redriven = orderRecord(order, {
      messageAttributes: {
        ...orderRecordAttributes(order.storeId),
        redrive_count: { dataType: 'Number', stringValue: '2' },
      },
    });

    expect((await describeDeadLetter(redriven, OPEN, FIXED_NOW)).redriveCount).toBe(2);
    expect((await describeDeadLetter(orderRecord(order), OPEN, FIXED_NOW)).redriveCount).toBe(0);
  });

  it('stores no absent field, so the item holds no undefined values', async () => {
    const record = sqsRecord({ body: '{oops', attributes: { AWSTraceHeader: undefined } });

    const deadLetter = await describeDeadLetter(record, OPEN, FIXED_NOW);

    expect(Object.values(deadLetter)).not.toContain(undefined);
    expect(deadLetter).not.toHaveProperty('orderId');
    expect(deadLetter).not.toHaveProperty('traceHeader');
  });
});

describe('isoFromEpochMillis()', () => {
  it('converts SQS epoch milliseconds and ignores anything else', async () => {
    expect(isoFromEpochMillis('0')).toBe('1970-01-01T00:00:00.000Z');
    expect(isoFromEpochMillis(undefined)).toBeUndefined();
    expect(isoFromEpochMillis('')).toBeUndefined();
    expect(isoFromEpochMillis('soon')).toBeUndefined();
  });
});
