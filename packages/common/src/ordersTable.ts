import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamoErrors';
import { OrderWriteContentionError, StoredItemError } from './errors';
import type { Order } from './order';
import { DEAD_LETTER_CLASS, type DeadLetterClass, ORDER_STATUS, type OrderStatus } from './orderRecord';

/**
 * The orders table, owned here: its item, its key, every conditional write and the read. The table itself
 * is provisioned by order-consumer (serverless.yml, OrdersTable); ingest-api, order-consumer and
 * dlq-handler all go through this module. The fingerprint is in orderFingerprint.ts.
 *
 * Key: HASH `storeId` (N) + RANGE `orderId` (S). Two stores may use the same orderId: two orders.
 *
 * State machine of one `(storeId, orderId)` (every arrow is one conditional write; nothing else writes):
 *
 *                 recordAccepted (ingest, before SendMessage)
 *   (no item) ───────────────────────────────────────────────▶ ACCEPTED {fp}
 *      │  │                                                     │   │   │ completeAccepted (ingest, after SQS
 *      │  │                                                     │   │   ▼ confirmed): + messageId
 *      │  │                                                     │   │  ACCEPTED {fp, messageId}
 *      │  │         releaseAccepted (SQS refused the message:   │   │   │
 *      │  │◀─────── it can never be queued; unsent only) ───────┘   │   │
 *      │  │                                                         │   │
 *      │  │ putProcessed (consumer; a message that bypassed ingest) │   │ putProcessed, same fp
 *      │  └────────────────────────▶ PROCESSED {fp, order} ◀────────┴───┤
 *      │                                  ▲                             │ markDeadLettered, same fp
 *      │ markDeadLettered (dlq-handler)   │ putProcessed, same fp       ▼
 *      └───────────────────────────────▶ DEAD_LETTERED {fp?} ◀──────────┘  (a redrive may still succeed)
 *
 * - recordAccepted against an existing item: same fp = a replay (the caller answers 202 with the same
 *   orderId, and sends again only when no messageId was recorded); other fp = a conflict (409). A
 *   DEAD_LETTERED marker without fp (its dead letter was not a valid order) is taken over.
 * - putProcessed against an existing item: PROCESSED with the same fp = a duplicate delivery (nothing
 *   written); any other fp = a conflict (the consumer fails the message as poison `order-conflict`).
 * - markDeadLettered never touches a PROCESSED order, nor an order with another fp.
 * - A crash between recordAccepted and SendMessage leaves ACCEPTED {fp} without messageId: nothing was
 *   promised (the client got no 202), the same content retried resends it, other content gets 409. A
 *   crash after SendMessage leaves the same state with a queued message: the retry sends a second copy,
 *   which the consumer's putProcessed turns into a duplicate. Nothing is lost, nothing stored twice.
 */

export interface OrderKey {
  storeId: number;
  orderId: string;
}

/** An item of the orders table. */
export interface StoredOrder extends OrderKey {
  status: OrderStatus;
  /** orderFingerprint() of the order; absent only on a DEAD_LETTERED marker of a message that was no order. */
  fingerprint?: string;
  /** The order as processed (PROCESSED only). */
  order?: Order;
  /** The SQS message that carried it (ACCEPTED: once SQS confirmed it). */
  messageId?: string;
  traceId?: string;
  correlationId?: string;
  receiveCount?: number;
  acceptedAt?: string;
  processedAt?: string;
  updatedAt: string;
  deadLetterReason?: string;
  deadLetterClass?: DeadLetterClass;
}

/** What ingest records before it sends an order. */
export interface AcceptedOrder extends OrderKey {
  fingerprint: string;
  correlationId: string;
  traceId?: string | undefined;
  at: string;
}

/** What a PROCESSED item holds: the whole order and where it came from. */
export interface ProcessedOrder extends OrderKey {
  fingerprint: string;
  order: Order;
  messageId: string;
  traceId?: string | undefined;
  correlationId?: string | undefined;
  receiveCount: number;
  at: string;
}

/** What the DLQ handler records of a dead letter's order. */
export interface DeadLetteredOrder extends OrderKey {
  /** Undefined when the dead letter holds no valid order. */
  fingerprint?: string | undefined;
  messageId: string;
  classification: DeadLetterClass;
  reason: string;
  traceId?: string | undefined;
  receiveCount: number;
  at: string;
}

export type AcceptResult =
  | { outcome: 'recorded' }
  | { outcome: 'replay'; stored: StoredOrder }
  | { outcome: 'conflict'; stored: StoredOrder };
export type ProcessResult = 'created' | 'duplicate' | 'conflict';
export type ChangeResult = 'changed' | 'unchanged';

export interface OrdersTable {
  /** The item, strongly consistent; undefined when there is none; throws StoredItemError on a foreign item. */
  get(key: OrderKey): Promise<StoredOrder | undefined>;
  /** Ingest's idempotency record, written before the order is sent. */
  recordAccepted(accepted: AcceptedOrder): Promise<AcceptResult>;
  /** Adds the messageId SQS confirmed; `unchanged` when the order has moved on (processed, dead-lettered). */
  completeAccepted(key: OrderKey, fingerprint: string, messageId: string, at: string): Promise<ChangeResult>;
  /** Deletes an ACCEPTED record that was never sent (SQS refused it), so that the store can correct the order. */
  releaseAccepted(key: OrderKey, fingerprint: string): Promise<ChangeResult>;
  /** The consumer's write. */
  putProcessed(processed: ProcessedOrder): Promise<ProcessResult>;
  /** The DLQ handler's write; `unchanged` for a PROCESSED order or one with other content. */
  markDeadLettered(deadLettered: DeadLetteredOrder): Promise<ChangeResult>;
}

/** The key attributes, as the table's KeySchema names them. */
const orderKey = ({ storeId, orderId }: OrderKey): OrderKey => ({ storeId, orderId });

const STATUSES: readonly string[] = Object.values(ORDER_STATUS);
const CLASSES: readonly string[] = Object.values(DEAD_LETTER_CLASS);

/** Checks the fields every reader relies on: anything else in the table is reported, not guessed at. */
const asStoredOrder = (item: Record<string, unknown>): StoredOrder => {
  const { storeId, orderId, status, fingerprint, deadLetterClass } = item;
  if (
    typeof storeId !== 'number' ||
    typeof orderId !== 'string' ||
    !STATUSES.includes(String(status)) ||
    (fingerprint !== undefined && typeof fingerprint !== 'string') ||
    (deadLetterClass !== undefined && !CLASSES.includes(String(deadLetterClass)))
  ) {
    throw new StoredItemError('the orders table holds an item that is not an order record');
  }
  return item as unknown as StoredOrder;
};

/** The item without its undefined fields (DynamoDB stores none; the test fake drops them alike). */
export const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

/** A dead-letter marker of a message that was no order: any order may claim its key. */
const UNCLAIMED_MARKER = '(#status = :deadLettered AND attribute_not_exists(fingerprint))';
/** No item under the key yet, or only an unclaimed marker. */
const NEW_OR_UNCLAIMED_MARKER = `attribute_not_exists(orderId) OR ${UNCLAIMED_MARKER}`;

/** The item a put writes: the order's key and state, the ids every record carries, the fields of `status`, and when. */
const itemOf = (
  record: AcceptedOrder | ProcessedOrder,
  status: OrderStatus,
  fields: Partial<StoredOrder>,
): StoredOrder =>
  withoutUndefined({
    ...orderKey(record),
    status,
    fingerprint: record.fingerprint,
    traceId: record.traceId,
    correlationId: record.correlationId,
    ...fields,
    updatedAt: record.at,
  });

/** A conditional write that lost a race with another writer is retried this many times, then reported. */
const MAX_ATTEMPTS = 3;

/**
 * Runs a conditional write; on a failed condition reads the item and lets `settle` decide: an answer, or
 * undefined to write again (the item changed between the write and the read, e.g. it was released).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
const conditionally = async <T>(
  write: () => Promise<unknown>,
  read: () => Promise<StoredOrder | undefined>,
  settle: (stored: StoredOrder | undefined) => T | undefined,
  written: T,
): Promise<T> => {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      await write();
      return written;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const answer = settle(await read());
    if (answer !== undefined) return answer;
  }
  throw new OrderWriteContentionError(MAX_ATTEMPTS);
};

const conditionFailedIs =
  (result: ChangeResult) =>
  async (work: () => Promise<unknown>): Promise<ChangeResult> => {
    try {
      await work();
      return 'changed';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return result;
      throw error;
    }
  };
const changedOrUnchanged = conditionFailedIs('unchanged');

const NAMES = { '#status': 'status' };

export const ordersTable = (client: DynamoDBDocumentClient, tableName: string): OrdersTable => {
  const get = async (key: OrderKey): Promise<StoredOrder | undefined> => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: orderKey(key), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : asStoredOrder(Item);
  };

  return {
    get,

    recordAccepted: (accepted) => {
      const item = itemOf(accepted, ORDER_STATUS.accepted, { acceptedAt: accepted.at });
      return conditionally<AcceptResult>(
        () =>
          client.send(
            new PutCommand({
              TableName: tableName,
              Item: item,
              ConditionExpression: NEW_OR_UNCLAIMED_MARKER,
              ExpressionAttributeNames: NAMES,
              ExpressionAttributeValues: { ':deadLettered': ORDER_STATUS.deadLettered },
            }),
          ),
        () => get(accepted),
        (stored) => {
          if (stored === undefined) return undefined;
          if (stored.fingerprint === undefined) return undefined;
          return stored.fingerprint === accepted.fingerprint
            ? { outcome: 'replay', stored }
            : { outcome: 'conflict', stored };
        },
        { outcome: 'recorded' },
      );
    },

    completeAccepted: (key, fingerprint, messageId, at) =>
      changedOrUnchanged(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: orderKey(key),
            UpdateExpression: 'SET messageId = :messageId, updatedAt = :at',
            ConditionExpression: '#status = :accepted AND fingerprint = :fingerprint',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: {
              ':messageId': messageId,
              ':at': at,
              ':accepted': ORDER_STATUS.accepted,
              ':fingerprint': fingerprint,
            },
          }),
        ),
      ),

    releaseAccepted: (key, fingerprint) =>
      changedOrUnchanged(() =>
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: orderKey(key),
            ConditionExpression:
              '#status = :accepted AND fingerprint = :fingerprint AND attribute_not_exists(messageId)',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':accepted': ORDER_STATUS.accepted, ':fingerprint': fingerprint },
          }),
        ),
      ),

    putProcessed: (processed) => {
      const item = itemOf(processed, ORDER_STATUS.processed, {
        order: processed.order,
        messageId: processed.messageId,
        receiveCount: processed.receiveCount,
        processedAt: processed.at,
      });
      return conditionally<ProcessResult>(
        () =>
          client.send(
            new PutCommand({
              TableName: tableName,
              Item: item,
              // Written over an ingest record or a dead-letter marker of the same order (a redrive),
              // and over a marker of a message that was no order; never over another order.
              ConditionExpression: [
                'attribute_not_exists(orderId)',
                '((#status = :accepted OR #status = :deadLettered) AND fingerprint = :fingerprint)',
                UNCLAIMED_MARKER,
              ].join(' OR '),
              ExpressionAttributeNames: NAMES,
              ExpressionAttributeValues: {
                ':accepted': ORDER_STATUS.accepted,
                ':deadLettered': ORDER_STATUS.deadLettered,
                ':fingerprint': processed.fingerprint,
              },
            }),
          ),
        () => get(processed),
        (stored) => {
          if (stored === undefined || stored.fingerprint === undefined) return undefined;
          if (stored.fingerprint !== processed.fingerprint) return 'conflict';
          return stored.status === ORDER_STATUS.processed ? 'duplicate' : undefined;
        },
        'created',
      );
    },

    markDeadLettered: (deadLettered) => {
      const values: Record<string, unknown> = {
        ':deadLettered': ORDER_STATUS.deadLettered,
        ':classification': deadLettered.classification,
        ':reason': deadLettered.reason,
        ':messageId': deadLettered.messageId,
        ':receiveCount': deadLettered.receiveCount,
        ':at': deadLettered.at,
      };
      const sets = [
        '#status = :deadLettered',
        'deadLetterClass = :classification',
        'deadLetterReason = :reason',
        'messageId = :messageId',
        'receiveCount = :receiveCount',
        'updatedAt = :at',
      ];
      if (deadLettered.traceId !== undefined) {
        sets.push('traceId = :traceId');
        values[':traceId'] = deadLettered.traceId;
      }
      let condition: string;
      if (deadLettered.fingerprint === undefined) {
        // A dead letter that is no valid order may only mark an order id nobody else holds.
        condition = NEW_OR_UNCLAIMED_MARKER;
      } else {
        sets.push('fingerprint = :fingerprint');
        values[':fingerprint'] = deadLettered.fingerprint;
        values[':accepted'] = ORDER_STATUS.accepted;
        condition = [
          'attribute_not_exists(orderId)',
          '((#status = :accepted OR #status = :deadLettered) AND (attribute_not_exists(fingerprint) OR fingerprint = :fingerprint))',
        ].join(' OR ');
      }
      return changedOrUnchanged(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: orderKey(deadLettered),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },
  };
};
