import type { Message } from '@aws-sdk/client-sqs';
import { lambdaContext, lambdaRecordFromMessage, TRACE_HEADER } from '../src/testing';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders';

const aReceivedMessage = (overrides: Partial<Message> = {}): Message => ({
  MessageId: 'b6c3a8e0-0000-4000-8000-000000000001',
  ReceiptHandle: 'receipt-1',
  MD5OfBody: '0cc175b9c0f1b6a831c399e269772661',
  MD5OfMessageAttributes: '8f2c1d4b3a5e6f708192a3b4c5d6e7f8',
  Body: '{"orderId":"ord-1"}',
  Attributes: {
    ApproximateReceiveCount: '2',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1700000000500',
    AWSTraceHeader: TRACE_HEADER,
  },
  MessageAttributes: {
    store_id: { DataType: 'Number', StringValue: '7' },
    signature: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
  },
  ...overrides,
});

describe('lambdaRecordFromMessage()', () => {
  it('gives a received message the shape of a Lambda SQS record', () => {
    const record = lambdaRecordFromMessage(aReceivedMessage(), QUEUE_ARN);

    expect(record).toEqual({
      messageId: 'b6c3a8e0-0000-4000-8000-000000000001',
      receiptHandle: 'receipt-1',
      body: '{"orderId":"ord-1"}',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1700000000500',
        AWSTraceHeader: TRACE_HEADER,
      },
      messageAttributes: {
        store_id: { stringValue: '7', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        signature: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: '0cc175b9c0f1b6a831c399e269772661',
      md5OfMessageAttributes: '8f2c1d4b3a5e6f708192a3b4c5d6e7f8',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'eu-west-1',
    });
  });

  it('gives a message without attributes an empty messageAttributes map', () => {
    const record = lambdaRecordFromMessage(
      aReceivedMessage({ MessageAttributes: undefined, MD5OfMessageAttributes: undefined }),
      QUEUE_ARN,
    );

    expect(record.messageAttributes).toEqual({});
    expect(record).not.toHaveProperty('md5OfMessageAttributes');
  });

  it('refuses a message received without its system attributes', () => {
    expect(() => lambdaRecordFromMessage(aReceivedMessage({ Attributes: {} }), QUEUE_ARN)).toThrow(
      'received message has no ApproximateReceiveCount (receive with AttributeNames All)',
    );
  });
});

describe('lambdaContext()', () => {
  it('answers the remaining time it was given', () => {
    const context = lambdaContext('processOrders', 1234);

    expect(context.functionName).toBe('processOrders');
    expect(context.getRemainingTimeInMillis()).toBe(1234);
  });
});
