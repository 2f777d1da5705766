/** Status of an order in the orders table. */
export const ORDER_STATUS = {
  /** Recorded by ingest before it sent the order to the queue; not processed yet. */
  accepted: 'ACCEPTED',
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
  /** Its `(storeId, orderId)` is taken by an order with other content: never stored, never silently dropped. */
  orderConflict: 'order-conflict',
  /** The same order is already stored (processed, then a crash left a copy to run out of receives): no alarm. */
  alreadyProcessed: 'already-processed',
} as const;
export type DeadLetterClass = (typeof DEAD_LETTER_CLASS)[keyof typeof DEAD_LETTER_CLASS];
