import type { Order } from './order';

/** Status of an order in the orders table. */
export const ORDER_STATUS = {
  processed: 'PROCESSED',
  deadLettered: 'DEAD_LETTERED',
} as const;
export type OrderStatus = (typeof ORDER_STATUS)[keyof typeof ORDER_STATUS];

/** Why a message can never be processed, or that it ran out of retries. */
export const DEAD_LETTER_CLASS = {
  missingStoreId: 'missing-store-id',
  invalidOrder: 'invalid-order',
  storeNotOpen: 'store-not-open',
  unparseable: 'unparseable',
  retriesExhausted: 'retries-exhausted',
} as const;
export type DeadLetterClass = (typeof DEAD_LETTER_CLASS)[keyof typeof DEAD_LETTER_CLASS];

/** An item of the orders table, keyed by `orderId`. */
export interface StoredOrder {
  orderId: string;
  status: OrderStatus;
  storeId?: number;
  order?: Order;
  messageId: string;
  traceId?: string;
  correlationId?: string;
  receiveCount?: number;
  processedAt?: string;
  updatedAt: string;
  deadLetterReason?: string;
  deadLetterClass?: DeadLetterClass;
}
