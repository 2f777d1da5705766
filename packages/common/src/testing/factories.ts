import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { Order, OrderRequest } from '../order';

/** A valid order; override any field. */
export const anOrder = (overrides: Partial<Order> = {}): Order => ({
  orderId: `ord-${randomUUID()}`,
  storeId: 7,
  currency: 'EUR',
  customer: {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+44 20 7946 0000',
    address: { line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
  },
  items: [
    { sku: 'TEA-001', quantity: 2, unitPriceCents: 450 },
    { sku: 'CUP-010', quantity: 1, unitPriceCents: 1200 },
  ],
  createdAt: '2026-11-22T10:00:00.000Z',
  ...overrides,
});

/** An order as a store submits it: no orderId, no createdAt (ingest assigns them). */
export const anOrderRequest = (overrides: Partial<OrderRequest> = {}): OrderRequest => {
  const { orderId: _orderId, createdAt: _createdAt, ...request } = anOrder();
  return { ...request, ...overrides };
};

/** The attributes a well-behaved producer sends, in the Lambda event's shape. */
/** Pass `null` for a misbehaving producer that sends no store_id. */
export const orderRecordAttributes = (storeId: number | null = 7): SQSMessageAttributes => ({
  ...(storeId === null ? {} : { store_id: { dataType: 'Number', stringValue: String(storeId) } }),
  content_type: { dataType: 'String', stringValue: 'application/json; schema=order.v1' },
  correlation_id: { dataType: 'String', stringValue: 'corr-0001' },
  producer: { dataType: 'String', stringValue: 'test' },
});

export const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

export interface RecordOverrides {
  messageId?: string;
  body?: string;
  messageAttributes?: SQSMessageAttributes;
  attributes?: Partial<SQSRecordAttributes>;
  eventSourceARN?: string;
}

/** An SQS record shaped exactly as Lambda delivers it. */
export const sqsRecord = (overrides: RecordOverrides = {}): SQSRecord => {
  const now = Date.now();
  return {
    messageId: overrides.messageId ?? randomUUID(),
    receiptHandle: `rh-${randomUUID()}`,
    body: overrides.body ?? JSON.stringify(anOrder()),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(now - 1000),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(now),
      AWSTraceHeader: TRACE_HEADER,
      ...overrides.attributes,
    } as SQSRecordAttributes,
    messageAttributes: overrides.messageAttributes ?? orderRecordAttributes(),
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN:
      overrides.eventSourceARN ?? 'arn:aws:sqs:eu-west-1:000000000000:order-consumer-test-orders',
    awsRegion: 'eu-west-1',
  };
};

/** A record carrying `order` with matching attributes. */
export const orderRecord = (order: Order = anOrder(), overrides: RecordOverrides = {}): SQSRecord =>
  sqsRecord({
    body: JSON.stringify(order),
    messageAttributes: orderRecordAttributes(order.storeId),
    ...overrides,
  });

export const sqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });
