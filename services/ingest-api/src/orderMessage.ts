import {
  buildOrderAttributes,
  type Order,
  type OrderRequest,
  type OutgoingAttributes,
  orderFingerprint,
  parseOrder,
} from '@order-pipeline/common';
import { formatTraceHeader, parseTraceHeader } from '@order-pipeline/common/tracing';
import { orderIdFromIdempotencyKey } from './idempotencyKey';

/** The `producer` attribute of every message this service sends. */
const PRODUCER = 'ingest-api';

/** An order ready for SQS: body, attributes and the validated `AWSTraceHeader`. */
export interface OrderMessage {
  orderId: string;
  storeId: number;
  /** orderFingerprint() of the order: what its idempotency record and the consumer compare. */
  fingerprint: string;
  body: string;
  attributes: OutgoingAttributes;
  traceHeader: string;
  /** Size as SQS counts it: body plus attribute names, types and values (system attributes excluded). */
  bytes: number;
}

/** `ord-` and a random UUID: 40 characters within ORDER_ID_PATTERN. */
export const newOrderId = (uuid: string): string => `ord-${uuid}`;

export interface Assignment {
  now: Date;
  uuid: () => string;
  /**
   * The request's Idempotency-Key, the calling store it belongs to (from the API key, not the body: a
   * key names orders of its own store only) and the order's index when it is part of a batch.
   */
  idempotencyKey?: { storeId: number; key: string; index?: number } | undefined;
}

const assignedOrderId = (request: OrderRequest, assign: Assignment): string => {
  if (request.orderId !== undefined) return request.orderId;
  const { idempotencyKey } = assign;
  if (idempotencyKey === undefined) return newOrderId(assign.uuid());
  return orderIdFromIdempotencyKey(idempotencyKey.storeId, idempotencyKey.key, idempotencyKey.index);
};

/**
 * Completes a store's order: `createdAt` when it has none, and `orderId` when it has none: derived from
 * the Idempotency-Key when there is one (a retry maps to the same order), else a new one.
 */
export const prepareOrder = (request: OrderRequest, assign: Assignment): Order =>
  parseOrder({
    ...request,
    orderId: assignedOrderId(request, assign),
    createdAt: request.createdAt ?? assign.now.toISOString(),
  });

/**
 * JSON that SQS accepts: a message body may hold only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD
 * #x10000-#x10FFFF (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
 * JSON.stringify already escapes control characters and lone surrogates; U+FFFE and U+FFFF can only
 * occur inside strings, where `\uFFFE` is an equivalent escape, so the value is unchanged.
 */
export const sqsSafeJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);

const utf8Bytes = (value: string | undefined): number => (value === undefined ? 0 : Buffer.byteLength(value));

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html */
export const messageBytes = (body: string, attributes: OutgoingAttributes): number =>
  Object.entries(attributes).reduce(
    (total, [name, attribute]) =>
      total +
      utf8Bytes(name) +
      utf8Bytes(attribute.DataType) +
      utf8Bytes(attribute.StringValue) +
      (attribute.BinaryValue?.length ?? 0),
    utf8Bytes(body),
  );

/** The message for one order, its attributes and trace header validated before anything is sent. */
export const buildOrderMessage = (
  order: Order,
  context: { correlationId: string; traceHeader: string },
): OrderMessage => {
  const body = sqsSafeJson(order);
  const attributes = buildOrderAttributes({
    storeId: order.storeId,
    correlationId: context.correlationId,
    producer: PRODUCER,
  });
  return {
    orderId: order.orderId,
    storeId: order.storeId,
    fingerprint: orderFingerprint(order),
    body,
    attributes,
    traceHeader: formatTraceHeader(parseTraceHeader(context.traceHeader)),
    bytes: messageBytes(body, attributes),
  };
};
