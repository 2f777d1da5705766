/** Exponential back-off of a failed record, applied as its visibility timeout. */
export interface BackoffPolicy {
  /** Seconds before the first retry; doubled with every further receive. */
  baseSeconds: number;
  /** Upper bound of the back-off. */
  maxSeconds: number;
  /**
   * The fixed back-off of a poison message (one that can never succeed): short, so that its receives
   * run out, and it reaches the DLQ, within seconds rather than after the whole retry window.
   */
  poisonSeconds: number;
}

// The largest visibility timeout SQS accepts (12 hours):
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * Seconds a record stays invisible after its `receiveCount`-th receive failed:
 * `base * 2^(receiveCount-1)`, capped at `maxSeconds` and at SQS's 43200. A missing or nonsensical
 * count counts as the first receive.
 */
export const backoffSeconds = (
  receiveCount: number,
  policy: Pick<BackoffPolicy, 'baseSeconds' | 'maxSeconds'>,
): number => {
  const attempt = Number.isInteger(receiveCount) && receiveCount >= 1 ? receiveCount : 1;
  const base = Math.max(policy.baseSeconds, 0);
  const cap = Math.min(Math.max(policy.maxSeconds, 0), MAX_VISIBILITY_TIMEOUT_SECONDS);
  // 2 ** n is Infinity past n = 1023, which Math.min caps like any other large value (0 * Infinity
  // would be NaN, hence the early return).
  if (base === 0) return 0;
  return Math.min(base * 2 ** (attempt - 1), cap);
};
