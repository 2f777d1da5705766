import { backoffSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS } from '../src/backoff';

describe('backoffSeconds()', () => {
  it.each([
    // receive count -> seconds, base 2 s, capped at 300 s
    [1, 2],
    [2, 4],
    [3, 8],
    [4, 16],
    [5, 32],
    [8, 256],
    [9, 300],
    [50, 300],
    [5000, 300],
  ])(
    'waits base * 2^(n-1) after receive %i: %i s (capped at BACKOFF_MAX_SECONDS)',
    (receiveCount, seconds) => {
      expect(backoffSeconds(receiveCount, { baseSeconds: 2, maxSeconds: 300 })).toBe(seconds);
    },
  );

  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 4],
  ])("follows the local stage's base 1 s, max 4 s: receive %i waits %i s", (receiveCount, seconds) => {
    expect(backoffSeconds(receiveCount, { baseSeconds: 1, maxSeconds: 4 })).toBe(seconds);
  });

  it("never exceeds SQS's 12-hour maximum visibility timeout, whatever the configured cap", () => {
    expect(backoffSeconds(30, { baseSeconds: 60, maxSeconds: 100_000 })).toBe(MAX_VISIBILITY_TIMEOUT_SECONDS);
    expect(MAX_VISIBILITY_TIMEOUT_SECONDS).toBe(43_200);
  });

  it.each([0, -1, Number.NaN, 1.5])(
    'treats a nonsensical receive count (%p) as the first receive',
    (receiveCount) => {
      expect(backoffSeconds(receiveCount, { baseSeconds: 2, maxSeconds: 300 })).toBe(2);
    },
  );

  it('answers 0 (visible again at once) for a zero base, however many receives', () => {
    expect(backoffSeconds(2000, { baseSeconds: 0, maxSeconds: 300 })).toBe(0);
  });
});
