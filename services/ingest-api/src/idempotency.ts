import type { Clock } from '@order-pipeline/common';
import type { OrdersTable, StoredOrder } from '@order-pipeline/common/orders-table';
import { errorDetails } from './errors';
import type { OrderMessage } from './orderMessage';
import type { RouteLogger } from './requestScope';

/**
 * Idempotency at ingest (the Stripe / Powertools idempotency semantics), per `(storeId, orderId)`:
 *
 *   POST ──▶ recordAccepted (conditional put of the fingerprint)
 *             ├─ recorded ─────────────────────────▶ SendMessage ─┬─ confirmed ─▶ completeAccepted ─▶ 202
 *             ├─ replay, no messageId (never confirmed) ─▶ (same) │
 *             │                                                   ├─ unconfirmed (timeout, 5xx) ─▶ 503; record kept
 *             │                                                   └─ refused by SQS (batch only) ─▶ releaseAccepted ─▶ rejected
 *             ├─ replay with a messageId ─▶ 202, same orderId and messageId, nothing sent (Idempotent-Replayed)
 *             └─ conflict (other fingerprint) ─▶ 409 order-conflict, nothing sent
 *
 * The record is written before the send, so that two different bodies can never both be answered 202,
 * even while the first is still in the queue. An unconfirmed send keeps its record: the message may be
 * queued all the same (a timeout after SQS stored it), so only the same content may follow; a retry of it
 * sends again, and the consumer stores the order once (same fingerprint = duplicate). The table's state
 * machine is in packages/common/src/ordersTable.ts.
 */
export type IdempotencyTable = Pick<OrdersTable, 'recordAccepted' | 'completeAccepted' | 'releaseAccepted'>;

export type Admission =
  /** Recorded now, or recorded earlier and never confirmed by SQS: send it. */
  | { kind: 'send' }
  /**
   * The same order was sent before: answer with its messageId and the trace that follows that
   * message (not the replay's own), send nothing.
   */
  | { kind: 'replayed'; messageId: string; traceId: string | undefined }
  /** Another order holds this `(storeId, orderId)`: refuse, send nothing. */
  | { kind: 'conflict'; stored: StoredOrder }
  /** The table failed: nothing was recorded or sent. */
  | { kind: 'unavailable'; error: unknown };

export interface AdmissionContext {
  correlationId: string;
  traceId: string;
  now: Date;
}

/** Writes the order's idempotency record and says what to do with the order. */
export const admitOrder = async (
  message: OrderMessage,
  table: Pick<IdempotencyTable, 'recordAccepted'>,
  context: AdmissionContext,
): Promise<Admission> => {
  try {
    const result = await table.recordAccepted({
      storeId: message.storeId,
      orderId: message.orderId,
      fingerprint: message.fingerprint,
      correlationId: context.correlationId,
      traceId: context.traceId,
      at: context.now.toISOString(),
    });
    if (result.outcome === 'recorded') return { kind: 'send' };
    if (result.outcome === 'conflict') return { kind: 'conflict', stored: result.stored };
    const { messageId, traceId } = result.stored;
    return messageId === undefined ? { kind: 'send' } : { kind: 'replayed', messageId, traceId };
  } catch (error) {
    return { kind: 'unavailable', error };
  }
};

/**
 * Completes the record with the messageId SQS confirmed. A failure is logged, not answered: the order is
 * queued, and a record without messageId only makes a replay send a copy the consumer drops as a duplicate.
 */
export const confirmSent = async (
  message: OrderMessage,
  messageId: string,
  deps: { orders: Pick<IdempotencyTable, 'completeAccepted'>; logger: RouteLogger; clock: Clock },
): Promise<void> => {
  try {
    await deps.orders.completeAccepted(message, message.fingerprint, messageId, deps.clock().toISOString());
  } catch (error) {
    deps.logger.warn('the idempotency record was not completed; the order is queued', {
      orderId: message.orderId,
      messageId,
      error: errorDetails(error),
    });
  }
};

/**
 * Deletes the record of an order SQS refused (it can never be queued as it is), so that the store can
 * correct it under the same orderId. A failure leaves the record: only the same content may follow.
 */
export const releaseRefused = async (
  message: OrderMessage,
  deps: { orders: Pick<IdempotencyTable, 'releaseAccepted'>; logger: RouteLogger },
): Promise<void> => {
  try {
    await deps.orders.releaseAccepted(message, message.fingerprint);
  } catch (error) {
    deps.logger.warn('the idempotency record of a refused order was not released', {
      orderId: message.orderId,
      error: errorDetails(error),
    });
  }
};
