import type { OrderMessage } from './orderMessage';

export interface BatchEntry {
  /** Unique within one call (SQS: 1-80 of A-Z a-z 0-9 _ -). */
  id: string;
  message: OrderMessage;
}

export interface BatchEntryFailure {
  id: string;
  /** True when SQS blames the request (the entry would fail again unchanged). */
  senderFault: boolean;
  code: string;
  message: string;
}

export interface BatchSendResult {
  successful: ReadonlyArray<{ id: string; messageId: string }>;
  failed: readonly BatchEntryFailure[];
}

/** The orders queue as the handlers see it; the SQS implementation is in sideEffects/queue.ts. */
export interface OrdersQueue {
  /** SendMessage; throws when SQS did not confirm the message. */
  send(message: OrderMessage): Promise<{ messageId: string }>;
  /** SendMessageBatch of at most 10 entries; throws when the call itself failed. */
  sendBatch(entries: readonly BatchEntry[]): Promise<BatchSendResult>;
}
