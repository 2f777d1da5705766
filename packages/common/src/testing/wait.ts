export interface WaitOptions {
  /** Fails after this long (default 30 s). */
  timeoutMs?: number;
  /** Asks again after this long (default 100 ms). */
  intervalMs?: number;
}

/**
 * Asks `probe` until it answers something other than undefined, and answers that (a condition:
 * `() => done || undefined`); a probe
 * that throws is asked again. Fails after `timeoutMs` naming `what`, with the last error if any.
 */
export const waitUntil = async <T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 100 }: WaitOptions = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
};
