import { ConfigurationError } from '@order-pipeline/common';
import { loadServiceConfig } from '@order-pipeline/local-aws';
import { backoffSeconds } from '../src/backoff';
import {
  MAX_RECEIVE_COUNT,
  poisonDeadLetterSeconds,
  retriedForSeconds,
  retryBudget,
  transientDeadLetterSeconds,
} from '../src/retryBudget';

const schedule = (receives: number, budget: ReturnType<typeof retryBudget>): number[] =>
  Array.from({ length: receives }, (_, index) => backoffSeconds(index + 1, budget.backoff));

describe('retryBudget()', () => {
  it('derives the default 30-minute window into 14 receives, back-off 2 s doubling to a 5-minute cap', () => {
    const budget = retryBudget(1800, 2);

    expect(budget).toEqual({
      windowSeconds: 1800,
      maxReceiveCount: 14,
      backoff: { baseSeconds: 2, maxSeconds: 300, poisonSeconds: 2 },
    });
    expect(schedule(13, budget)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300, 300]);
  });

  it("derives the local stage's 4-second window into 5 receives, 1 s apart", () => {
    expect(retryBudget(4, 1)).toEqual({
      windowSeconds: 4,
      maxReceiveCount: 5,
      backoff: { baseSeconds: 1, maxSeconds: 1, poisonSeconds: 1 },
    });
  });

  it.each([4, 60, 600, 1800, 3600, 6 * 3600, 86_400, 3 * 86_400])(
    'retries a transient failure for at least the %i s window, and no longer than needed to cover it',
    (window) => {
      const budget = retryBudget(window, 1);

      expect(retriedForSeconds(budget)).toBeGreaterThanOrEqual(window);
      // One receive fewer would not cover it: maxReceiveCount is the smallest that does.
      expect(retriedForSeconds({ ...budget, maxReceiveCount: budget.maxReceiveCount - 1 })).toBeLessThan(
        window,
      );
      expect(budget.maxReceiveCount).toBeLessThanOrEqual(MAX_RECEIVE_COUNT);
    },
  );

  it('sends a poison message to the DLQ long before a transient failure runs out of its window', () => {
    const budget = retryBudget(1800, 2);

    // 14 receives, 2 s apart: under a minute, against 38.5 minutes for a transient failure.
    expect(poisonDeadLetterSeconds(budget)).toBe(28);
    expect(transientDeadLetterSeconds(budget)).toBe(2310);
  });

  it.each([
    [0, 2, 'retryWindowSeconds'],
    [1.5, 2, 'retryWindowSeconds'],
    [1800, 0, 'poisonBackoffSeconds'],
    [1800, 301, 'poisonBackoffSeconds'],
  ])('refuses window %p with poison back-off %p, naming %s', (window, poison, name) => {
    expect(() => retryBudget(window, poison)).toThrow(ConfigurationError);
    expect(() => retryBudget(window, poison)).toThrow(name);
  });
});

describe('the orders queue of order-consumer serverless.yml', () => {
  it.each(['prod', 'local'])(
    'keeps every message on the %s stage longer than it can take to reach the DLQ',
    async (stage) => {
      const config = await loadServiceConfig('order-consumer', stage);
      const queue = config.resources?.Resources?.OrdersQueue?.Properties ?? {};
      const { maxReceiveCount } = queue.RedrivePolicy as { maxReceiveCount: number };
      const env = config.functions.processOrders?.environment ?? {};
      const budget = {
        windowSeconds: 0,
        maxReceiveCount,
        backoff: {
          baseSeconds: Number(env.BACKOFF_BASE_SECONDS),
          maxSeconds: Number(env.BACKOFF_MAX_SECONDS),
          poisonSeconds: Number(env.POISON_BACKOFF_SECONDS),
        },
      };
      // Each receive may also hold the message for the function's timeout before it fails.
      const worstCase =
        transientDeadLetterSeconds(budget) + maxReceiveCount * Number(queue.VisibilityTimeout);

      expect(Number(queue.MessageRetentionPeriod)).toBeGreaterThan(worstCase);
    },
    60_000,
  );
});
