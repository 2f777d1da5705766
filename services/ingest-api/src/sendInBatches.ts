import { SEND_POLICY, type SendPolicy, SQS_MAX_BATCH_BYTES, SQS_MAX_BATCH_ENTRIES } from './limits';
import type { OrderMessage } from './orderMessage';
import type { OrdersQueue } from './ordersQueue';

/**
 * What became of one message:
 * - accepted: SQS confirmed it (it is on the queue);
 * - rejected: SQS refused it as the sender's fault; it is not on the queue and would fail again;
 * - failed: SQS did not confirm it after every attempt. It was most likely not enqueued, but a call
 *   that timed out may have reached SQS, so the client retries it with the same orderId, which the
 *   consumer's conditional write turns into a no-op if it was.
 */
export type SendOutcome =
  | { status: 'accepted'; messageId: string }
  | { status: 'rejected'; code: string; reason: string }
  | { status: 'failed'; reason: string };

export interface BatchSendDeps {
  ordersQueue: Pick<OrdersQueue, 'sendBatch'>;
  sleep(ms: number): Promise<void>;
  /** Milliseconds until the function times out (Lambda's context.getRemainingTimeInMillis). */
  remainingTimeMs(): number;
}

/**
 * Groups messages, in order, into SendMessageBatch calls of at most 10 entries whose sizes add up to
 * at most SQS's limit. Answers indexes into `messages`.
 */
export const packChunks = (
  messages: readonly Pick<OrderMessage, 'bytes'>[],
  limits = { maxEntries: SQS_MAX_BATCH_ENTRIES, maxBytes: SQS_MAX_BATCH_BYTES },
): number[][] => {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  messages.forEach((message, index) => {
    if (
      current.length > 0 &&
      (current.length >= limits.maxEntries || bytes + message.bytes > limits.maxBytes)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += message.bytes;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const entryId = (index: number): string => `m${index}`;

/**
 * Sends one chunk, retrying only the entries SQS reports as failed without SenderFault (or every
 * entry when the call itself failed), at most `maxAttempts` times, with exponential back-off, and only
 * while a call can still time out before the function must answer. Writes each entry's outcome;
 * answers why SQS is unavailable when some entries were left unconfirmed.
 */
const sendChunk = async (
  indexes: readonly number[],
  messages: readonly OrderMessage[],
  outcomes: Array<SendOutcome | undefined>,
  deps: BatchSendDeps,
  policy: SendPolicy,
): Promise<string | undefined> => {
  let pending = [...indexes];
  let problem = 'the queue did not answer';
  for (let attempt = 1; attempt <= policy.maxAttempts && pending.length > 0; attempt++) {
    const wait = attempt === 1 ? 0 : policy.backoffBaseMs * 2 ** (attempt - 2);
    if (deps.remainingTimeMs() < wait + policy.callTimeoutMs + policy.answerMarginMs) {
      problem = `${problem}; no time left for another attempt`;
      break;
    }
    if (wait > 0) await deps.sleep(wait);
    const byId = new Map(pending.map((index) => [entryId(index), index]));
    try {
      const result = await deps.ordersQueue.sendBatch(
        pending.map((index) => ({ id: entryId(index), message: messages[index] as OrderMessage })),
      );
      for (const entry of result.successful) {
        const index = byId.get(entry.id);
        if (index === undefined) continue;
        outcomes[index] = { status: 'accepted', messageId: entry.messageId };
        byId.delete(entry.id);
      }
      for (const entry of result.failed) {
        const index = byId.get(entry.id);
        if (index === undefined) continue;
        if (entry.senderFault) {
          outcomes[index] = { status: 'rejected', code: entry.code, reason: entry.message };
          byId.delete(entry.id);
        } else {
          problem = `${entry.code}: ${entry.message}`;
        }
      }
    } catch (error) {
      problem = describe(error);
    }
    // Anything SQS neither confirmed nor refused (including entries missing from its answer) is retried.
    pending = [...byId.values()];
  }
  for (const index of pending) outcomes[index] = { status: 'failed', reason: problem };
  return pending.length > 0 ? problem : undefined;
};

/**
 * Sends every message with SendMessageBatch and answers one outcome per message, in order. Once a
 * chunk is left unconfirmed, SQS is taken to be unavailable and later chunks are not attempted (they
 * are `failed`, certainly not enqueued). Never throws for an SQS failure: the caller must be able to
 * report exactly what was enqueued.
 */
export const sendInBatches = async (
  messages: readonly OrderMessage[],
  deps: BatchSendDeps,
  policy: SendPolicy = SEND_POLICY,
): Promise<SendOutcome[]> => {
  const outcomes: Array<SendOutcome | undefined> = messages.map(() => undefined);
  let unavailable: string | undefined;
  for (const chunk of packChunks(messages)) {
    if (unavailable !== undefined) {
      for (const index of chunk) outcomes[index] = { status: 'failed', reason: `not sent: ${unavailable}` };
      continue;
    }
    unavailable = await sendChunk(chunk, messages, outcomes, deps, policy);
  }
  return outcomes.map((outcome) => outcome ?? { status: 'failed', reason: 'not sent' });
};
