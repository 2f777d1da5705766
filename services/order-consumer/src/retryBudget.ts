// The errors module alone: serverless loads this file at every `sls` command (retryBudget.cjs), and the
// package's index would load zod and the logger too.
import { ConfigurationError } from '@order-pipeline/common/errors';
import { type BackoffPolicy, backoffSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS } from './backoff';

/**
 * The orders queue's retry budget, derived from one stage parameter: how long a transient failure
 * (throttling, a DynamoDB outage) is retried before the order is dead-lettered. serverless.yml reads
 * `maxReceiveCount` (the queue's RedrivePolicy) and the back-off (the function's environment) from
 * here through retryBudget.cjs, so that the three can never disagree with the window.
 */
export interface RetryBudget {
  windowSeconds: number;
  /** The RedrivePolicy's maxReceiveCount: the first count whose back-offs cover the window. */
  maxReceiveCount: number;
  backoff: BackoffPolicy;
}

// SQS accepts a maxReceiveCount of 1 to 1000:
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html
export const MAX_RECEIVE_COUNT = 1000;

/**
 * The cap is a sixth of the window: once the back-off reaches it, an order that failed during an
 * outage is tried again at most that long after the outage ends (5 minutes for a 30-minute window),
 * and the window's end sees several attempts rather than one.
 */
const CAP_SHARE_OF_WINDOW = 6;
/**
 * Seven doublings from the base to the cap: the first retries come within seconds (a throttled
 * write usually succeeds at once), and the back-off reaches the cap in a few minutes.
 */
const DOUBLINGS_TO_CAP = 7;

const positiveInteger = (value: number, name: string): number => {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a whole number of seconds >= 1, got ${value}`, name);
  }
  return value;
};

/** Seconds between a record's first attempt and its last: the back-offs of every receive but the last. */
export const retriedForSeconds = ({ maxReceiveCount, backoff }: RetryBudget): number =>
  sumOfBackoffs(maxReceiveCount - 1, backoff);

/** Seconds from the first attempt until the redrive policy moves a transient failure to the DLQ. */
export const transientDeadLetterSeconds = ({ maxReceiveCount, backoff }: RetryBudget): number =>
  sumOfBackoffs(maxReceiveCount, backoff);

/** Seconds from the first attempt until a poison message reaches the DLQ (its back-off never grows). */
export const poisonDeadLetterSeconds = ({ maxReceiveCount, backoff }: RetryBudget): number =>
  maxReceiveCount * backoff.poisonSeconds;

const sumOfBackoffs = (receives: number, backoff: BackoffPolicy): number => {
  let total = 0;
  for (let receive = 1; receive <= receives; receive++) total += backoffSeconds(receive, backoff);
  return total;
};

/**
 * Derives the budget from the window: cap = window / 6 (at least 1 s, at most SQS's 12 hours),
 * base = cap / 2^7 (at least 1 s), and maxReceiveCount the first count whose back-offs between the
 * first and the last attempt add up to the window. Poison messages keep `poisonSeconds` between their
 * receives, so they spend maxReceiveCount x poisonSeconds on the queue, not the window.
 */
export const retryBudget = (windowSeconds: number, poisonSeconds: number): RetryBudget => {
  const window = positiveInteger(windowSeconds, 'retryWindowSeconds');
  const maxSeconds = Math.min(
    Math.max(Math.floor(window / CAP_SHARE_OF_WINDOW), 1),
    MAX_VISIBILITY_TIMEOUT_SECONDS,
  );
  const baseSeconds = Math.max(Math.round(maxSeconds / 2 ** DOUBLINGS_TO_CAP), 1);
  const poison = positiveInteger(poisonSeconds, 'poisonBackoffSeconds');
  if (poison > maxSeconds) {
    throw new ConfigurationError(
      `poisonBackoffSeconds (${poison}) must not exceed the back-off cap (${maxSeconds} s for a ${window} s window)`,
      'poisonBackoffSeconds',
    );
  }
  const backoff = { baseSeconds, maxSeconds, poisonSeconds: poison };
  let retried = 0;
  let maxReceiveCount = 1;
  while (retried < window) {
    retried += backoffSeconds(maxReceiveCount, backoff);
    maxReceiveCount++;
  }
  if (maxReceiveCount > MAX_RECEIVE_COUNT) {
    throw new ConfigurationError(
      `a ${window} s retry window needs ${maxReceiveCount} receives, more than SQS's ${MAX_RECEIVE_COUNT}`,
      'retryWindowSeconds',
    );
  }
  return { windowSeconds: window, maxReceiveCount, backoff };
};
