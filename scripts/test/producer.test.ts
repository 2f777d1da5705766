import type { SQSClient } from '@aws-sdk/client-sqs';
import { type ProduceTarget, produce } from '../produce/producer';
import { planTraffic } from '../produce/traffic';

/** A fake API that accepts every order of POST /orders/batch except those with the given ids. */
const fakeApi = (refused: ReadonlySet<string> = new Set()) => {
  const requests: { url: string; key: string; storeIds: number[]; orderIds: string[] }[] = [];
  const http = (async (url: string, init?: RequestInit) => {
    const { orders } = JSON.parse(String(init?.body)) as { orders: { orderId: string; storeId: number }[] };
    requests.push({
      url,
      key: new Headers(init?.headers).get('x-api-key') ?? '',
      storeIds: orders.map(({ storeId }) => storeId),
      orderIds: orders.map(({ orderId }) => orderId),
    });
    const results = orders.map(({ orderId }, index) =>
      refused.has(orderId)
        ? { index, status: 'rejected', error: { code: 'VALIDATION', message: 'storeId is not open' } }
        : { index, status: 'accepted', orderId, messageId: `m-${orderId}` },
    );
    return new Response(JSON.stringify({ traceId: '1-abc', results }), {
      status: refused.size > 0 ? 207 : 202,
    });
  }) as typeof fetch;
  return { requests, http };
};

const targetWith = (http: typeof fetch, sqsSends: unknown[] = []): ProduceTarget => ({
  apiBaseUrl: 'http://api.test/local',
  apiKeyOf: (storeId) => `key-${storeId}`,
  queueUrl: 'http://sqs.test/queue',
  sqs: { send: async (command: unknown) => sqsSends.push(command) } as unknown as SQSClient,
  fetch: http,
});

describe('produce() with batchSize', () => {
  it("sends the good orders through POST /orders/batch, batchSize at a time, one store's orders a batch with its key", async () => {
    // Stores 1, 2, 3, 1, 2, 3, 1: three orders of store 1, two each of stores 2 and 3.
    const plan = planTraffic(7, 3, 0, 'run1');
    const api = fakeApi();

    const results = await produce(plan, { route: 'api', concurrency: 2, batchSize: 3 }, targetWith(api.http));

    expect(api.requests.map(({ url }) => url)).toEqual(Array(3).fill('http://api.test/local/orders/batch'));
    expect(api.requests.flatMap(({ orderIds }) => orderIds).sort()).toEqual(
      plan.map(({ order }) => order.orderId).sort(),
    );
    expect(api.requests.map(({ orderIds }) => orderIds.length).sort()).toEqual([2, 2, 3]);
    for (const request of api.requests) {
      expect(new Set(request.storeIds).size).toBe(1);
      expect(request.key).toBe(`key-${request.storeIds[0]}`);
    }
    expect(results.map(({ orderId, ok }) => ({ orderId, ok }))).toEqual(
      plan.map(({ order }) => ({ orderId: order.orderId, ok: true })),
    );
  });

  it('reports an order the API rejected as failed, with the reason, and the others as sent', async () => {
    const plan = planTraffic(4, 2, 0, 'run2');
    const refusedId = plan[1]?.order.orderId as string;
    const api = fakeApi(new Set([refusedId]));

    const results = await produce(
      plan,
      { route: 'api', concurrency: 1, batchSize: 10 },
      targetWith(api.http),
    );

    expect(results.filter(({ ok }) => !ok)).toEqual([
      expect.objectContaining({ orderId: refusedId, status: 207, error: 'storeId is not open' }),
    ]);
    expect(results.filter(({ ok }) => ok)).toHaveLength(3);
  });

  it('still sends poison messages one by one to SQS', async () => {
    const plan = planTraffic(10, 2, 0.2, 'run3');
    const api = fakeApi();
    const sqsSends: unknown[] = [];

    const results = await produce(
      plan,
      { route: 'api', concurrency: 4, batchSize: 5 },
      targetWith(api.http, sqsSends),
    );

    expect(sqsSends).toHaveLength(2);
    expect(api.requests.flatMap(({ orderIds }) => orderIds)).toHaveLength(8);
    expect(results.filter(({ poison }) => poison).map(({ ok }) => ok)).toEqual([true, true]);
  });

  it('reports progress in orders, reaching the plan length once', async () => {
    const plan = planTraffic(25, 5, 0, 'run4');
    const progress: number[] = [];

    await produce(
      plan,
      { route: 'api', concurrency: 3, batchSize: 10, onProgress: (done) => progress.push(done) },
      targetWith(fakeApi().http),
    );

    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(25);
    // One report per request: five stores' five orders each, one store a batch.
    expect(progress).toHaveLength(5);
  });
});

describe('produce() when the API times out or is unavailable', () => {
  /** Answers each request with the next status of `statuses` (then 202), counting the requests. */
  const flakyApi = (statuses: number[]) => {
    const bodies: string[] = [];
    const http = (async (_url: string, init?: RequestInit) => {
      bodies.push(String(init?.body));
      const status = statuses.shift() ?? 202;
      if (status !== 202) return new Response('', { status });
      const parsed = JSON.parse(String(init?.body)) as { orders?: { orderId: string }[] };
      const results = (parsed.orders ?? []).map(({ orderId }, index) => ({
        index,
        status: 'accepted',
        orderId,
        messageId: `m-${orderId}`,
      }));
      return new Response(JSON.stringify({ traceId: '1-abc', results }), { status });
    }) as typeof fetch;
    return { bodies, http };
  };

  it.each([
    ['one order', undefined],
    ['a batch', 10],
  ])(
    'sends %s again, with the same body, after a 504 and a 503 (a retry is a replay), and reports it sent',
    async (_name, batchSize) => {
      const plan = planTraffic(1, 1, 0, 'run5');
      const api = flakyApi([504, 503]);

      const results = await produce(
        plan,
        { route: 'api', concurrency: 1, ...(batchSize === undefined ? {} : { batchSize }) },
        { ...targetWith(api.http), retryDelayMs: 0 },
      );

      expect(api.bodies).toHaveLength(3);
      expect(new Set(api.bodies).size).toBe(1);
      expect(results).toEqual([expect.objectContaining({ ok: true, status: 202 })]);
    },
  );

  it('gives up after three attempts and reports the last status', async () => {
    const plan = planTraffic(1, 1, 0, 'run6');
    const api = flakyApi([504, 504, 504, 504]);

    const results = await produce(
      plan,
      { route: 'api', concurrency: 1 },
      { ...targetWith(api.http), retryDelayMs: 0 },
    );

    expect(api.bodies).toHaveLength(3);
    expect(results).toEqual([expect.objectContaining({ ok: false, status: 504, error: 'HTTP 504' })]);
  });
});
