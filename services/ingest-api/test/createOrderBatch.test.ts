import { ORDER_ID_PATTERN } from '@order-pipeline/common';
import { anOrder, FAKE_TRACE_ID } from '@order-pipeline/common/testing';
import { parseTraceHeader } from '@order-pipeline/common/tracing';
import { type BatchReport, createOrderBatch } from '../src/createOrderBatch';
import { MAX_BATCH_BODY_BYTES } from '../src/limits';
import {
  acceptAll,
  type BatchBehaviour,
  batchEvent,
  type ErrorAnswer,
  fakeRoute,
  orderRequest,
  parseBody,
  restApiEvent,
} from './factories';

const setup = (batch: BatchBehaviour = acceptAll) => {
  const { deps: routeDeps, batchCalls, orders, spans, lines } = fakeRoute({ batch });
  const deps = { ...routeDeps, sleep: async () => undefined };
  const invocation = { remainingTimeMs: () => 10_000 };
  const sentOrderIds = () => batchCalls.flat().map((entry) => entry.message.orderId);
  return { deps, invocation, batchCalls, sentOrderIds, orders, spans, lines };
};

/** Fails every entry of every call, as an SQS outage would. */
const outage: BatchBehaviour = async (entries) => ({
  successful: [],
  failed: entries.map((entry) => ({
    id: entry.id,
    senderFault: false,
    code: 'ServiceUnavailable',
    message: 'down',
  })),
});

describe('createOrderBatch()', () => {
  it('sends 25 orders 10 per call and answers 202 with every orderId and messageId', async () => {
    const { deps, invocation, batchCalls } = setup();
    const orders = Array.from({ length: 25 }, () => anOrder());

    const response = await createOrderBatch(
      batchEvent(orders, { headers: { 'x-correlation-id': 'nightly-42' } }),
      deps,
      invocation,
    );

    expect(response.statusCode).toBe(202);
    expect(batchCalls.map((call) => call.length)).toEqual([10, 10, 5]);
    const report = parseBody<BatchReport>(response);
    expect(report).toEqual({
      correlationId: 'nightly-42',
      traceId: FAKE_TRACE_ID,
      accepted: 25,
      rejected: 0,
      failed: 0,
      results: orders.map((order, index) => ({
        index,
        status: 'accepted',
        orderId: order.orderId,
        messageId: `msg-${order.orderId}`,
      })),
    });
    for (const entry of batchCalls.flat()) {
      expect(entry.message.attributes.correlation_id?.StringValue).toBe('nightly-42');
      expect(parseTraceHeader(entry.message.traceHeader).root).toBe(FAKE_TRACE_ID);
    }
  });

  it('assigns a distinct orderId to each order that has none', async () => {
    const { deps, invocation } = setup();

    const response = await createOrderBatch(batchEvent([orderRequest(), orderRequest()]), deps, invocation);

    const ids = parseBody<BatchReport>(response).results.map((result) => result.orderId ?? '');
    expect(ids.every((id) => ORDER_ID_PATTERN.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it('answers 207, sending only the valid orders, when some are invalid', async () => {
    const { deps, invocation, sentOrderIds } = setup();
    const good = [anOrder(), anOrder()];
    const bad = { ...orderRequest(), currency: 'euro', items: [] };

    const response = await createOrderBatch(batchEvent([good[0], bad, good[1]]), deps, invocation);

    expect(response.statusCode).toBe(207);
    expect(sentOrderIds()).toEqual(good.map((order) => order.orderId));
    const report = parseBody<BatchReport>(response);
    expect(report).toEqual(expect.objectContaining({ accepted: 2, rejected: 1, failed: 0 }));
    expect(report.results[1]).toEqual({
      index: 1,
      status: 'rejected',
      error: {
        code: 'invalid-order',
        message: expect.any(String),
        issues: [
          { path: 'currency', message: expect.any(String) },
          { path: 'items', message: expect.any(String) },
        ],
      },
    });
  });

  it('rejects a second order of the store with the same orderId in one batch', async () => {
    const { deps, invocation, sentOrderIds } = setup();
    const order = anOrder();

    const response = await createOrderBatch(
      batchEvent([order, { ...order, currency: 'USD' }]),
      deps,
      invocation,
    );

    expect(response.statusCode).toBe(207);
    expect(sentOrderIds()).toEqual([order.orderId]);
    expect(parseBody<BatchReport>(response).results[1]).toEqual({
      index: 1,
      status: 'rejected',
      orderId: order.orderId,
      error: { code: 'duplicate-order-id', message: 'orderId is also used by the order at index 0' },
    });
  });

  describe('idempotency per (storeId, orderId)', () => {
    it('rejects an order whose orderId holds other content as order-conflict, sending the rest', async () => {
      const { deps, invocation, sentOrderIds } = setup();
      const taken = anOrder();
      await createOrderBatch(batchEvent([taken]), deps, invocation);
      const fresh = anOrder();

      const response = await createOrderBatch(
        batchEvent([{ ...taken, currency: 'USD' }, fresh]),
        deps,
        invocation,
      );

      expect(response.statusCode).toBe(207);
      expect(parseBody<BatchReport>(response).results[0]).toEqual({
        index: 0,
        status: 'rejected',
        orderId: taken.orderId,
        error: { code: 'order-conflict', message: expect.stringContaining('other content') },
      });
      expect(sentOrderIds()).toEqual([taken.orderId, fresh.orderId]);
    });

    it('answers a replayed order as accepted with its first messageId, sending it once', async () => {
      const { deps, invocation, sentOrderIds } = setup();
      const order = anOrder();
      const first = await createOrderBatch(batchEvent([order]), deps, invocation);

      const replay = await createOrderBatch(batchEvent([order]), deps, invocation);

      expect(replay.statusCode).toBe(202);
      expect(parseBody<BatchReport>(replay).results).toEqual(parseBody<BatchReport>(first).results);
      expect(sentOrderIds()).toEqual([order.orderId]);
    });

    it('releases the record of an order SQS refused, so that it can be corrected under its orderId', async () => {
      const order = anOrder();
      const { deps, invocation, orders } = setup(async (entries) => ({
        successful: [],
        failed: entries.map((entry) => ({
          id: entry.id,
          senderFault: true,
          code: 'InvalidMessageContents',
          message: 'bad characters',
        })),
      }));

      await createOrderBatch(batchEvent([order]), deps, invocation);

      expect(orders.item(order)).toBeUndefined();
    });

    it('derives each position’s orderId from the Idempotency-Key, so that a retried batch is the same orders', async () => {
      const { deps, invocation, sentOrderIds } = setup();
      const event = () =>
        batchEvent([orderRequest(), orderRequest()], {
          headers: { 'Idempotency-Key': 'nightly-2026-11-22' },
        });

      const first = await createOrderBatch(event(), deps, invocation);
      const retry = await createOrderBatch(event(), deps, invocation);

      const ids = parseBody<BatchReport>(first).results.map((result) => result.orderId);
      expect(new Set(ids).size).toBe(2);
      expect(parseBody<BatchReport>(retry).results.map((result) => result.orderId)).toEqual(ids);
      expect(sentOrderIds()).toEqual(ids);
    });
  });

  it('answers 207 with the SQS code for an entry refused as the sender fault, without retrying it', async () => {
    const orders = [anOrder(), anOrder()];
    const { deps, invocation, batchCalls } = setup(async (entries, call) => {
      const [first, second] = entries;
      return {
        successful: first ? (await acceptAll([first], call)).successful : [],
        failed: second
          ? [{ id: second.id, senderFault: true, code: 'InvalidMessageContents', message: 'bad characters' }]
          : [],
      };
    });

    const response = await createOrderBatch(batchEvent(orders), deps, invocation);

    expect(response.statusCode).toBe(207);
    expect(batchCalls).toHaveLength(1);
    expect(parseBody<BatchReport>(response).results[1]).toEqual({
      index: 1,
      status: 'rejected',
      orderId: orders[1]?.orderId,
      error: { code: 'queue-rejected', message: 'the queue refused the message (InvalidMessageContents)' },
    });
  });

  it('answers 202 after retrying the entries SQS failed once', async () => {
    const orders = Array.from({ length: 12 }, () => anOrder());
    const { deps, invocation, batchCalls } = setup(async (entries, call) => {
      if (call !== 1) return acceptAll(entries, call);
      const [head, ...rest] = entries;
      return {
        successful: (await acceptAll(rest, call)).successful,
        failed: head
          ? [{ id: head.id, senderFault: false, code: 'InternalError', message: 'try again' }]
          : [],
      };
    });

    const response = await createOrderBatch(batchEvent(orders), deps, invocation);

    expect(response.statusCode).toBe(202);
    expect(batchCalls.map((call) => call.map((entry) => entry.message.orderId))).toEqual([
      orders.slice(0, 10).map((order) => order.orderId),
      [orders[0]?.orderId],
      orders.slice(10).map((order) => order.orderId),
    ]);
    expect(parseBody<BatchReport>(response).accepted).toBe(12);
  });

  it('answers 503 with Retry-After, listing what was queued and the orderIds to resend, when SQS stays down', async () => {
    const orders = Array.from({ length: 15 }, () => orderRequest());
    // The first chunk goes through; then SQS fails every attempt.
    const { deps, invocation, spans, lines } = setup(async (entries, call) =>
      call === 1 ? acceptAll(entries, call) : outage(entries, call),
    );

    const response = await createOrderBatch(batchEvent(orders), deps, invocation);

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    const answer = parseBody<BatchReport & ErrorAnswer>(response);
    expect(answer.error.code).toBe('queue-unavailable');
    expect(answer).toEqual(expect.objectContaining({ accepted: 10, rejected: 0, failed: 5 }));
    expect(answer.results.slice(0, 10).every((result) => result.status === 'accepted')).toBe(true);
    for (const result of answer.results.slice(10)) {
      expect(result).toEqual({
        index: expect.any(Number),
        status: 'failed',
        orderId: expect.stringMatching(ORDER_ID_PATTERN),
        error: { code: 'queue-unavailable', message: expect.stringContaining('same orderId') },
      });
    }
    expect(spans[0]?.failures).toHaveLength(1);
    expect(lines.find((line) => line.level === 'error')?.attributes.reasons).toEqual([
      'ServiceUnavailable: down',
    ]);
  });

  it('reports the orders of later chunks as failed without sending them once SQS is unavailable', async () => {
    const orders = Array.from({ length: 25 }, () => anOrder());
    const { deps, invocation, batchCalls } = setup(outage);

    const response = await createOrderBatch(batchEvent(orders), deps, invocation);

    expect(response.statusCode).toBe(503);
    expect(batchCalls.map((call) => call.length)).toEqual([10, 10, 10]);
    expect(parseBody<BatchReport>(response)).toEqual(expect.objectContaining({ accepted: 0, failed: 25 }));
  });

  describe('refuses a bad batch and enqueues nothing', () => {
    const cases: Array<[string, Parameters<typeof restApiEvent>[0], number, string]> = [
      ['invalid JSON', { path: '/orders/batch', body: '{"orders": [' }, 400, 'invalid-json'],
      [
        'a wrong content type',
        {
          path: '/orders/batch',
          body: { orders: [orderRequest()] },
          headers: { 'Content-Type': 'text/csv' },
        },
        415,
        'unsupported-media-type',
      ],
      [
        'a body without orders',
        { path: '/orders/batch', body: { order: [orderRequest()] } },
        400,
        'invalid-batch',
      ],
      ['a bare array', { path: '/orders/batch', body: [orderRequest()] }, 400, 'invalid-batch'],
      ['an empty batch', { path: '/orders/batch', body: { orders: [] } }, 400, 'empty-batch'],
      [
        'a batch of 101 orders',
        { path: '/orders/batch', body: { orders: Array.from({ length: 101 }, () => orderRequest()) } },
        400,
        'batch-too-large',
      ],
      [
        'a body over the limit',
        {
          path: '/orders/batch',
          body: { orders: [orderRequest()], padding: 'x'.repeat(MAX_BATCH_BODY_BYTES) },
        },
        413,
        'payload-too-large',
      ],
      [
        'a malformed x-correlation-id',
        { path: '/orders/batch', body: { orders: [orderRequest()] }, headers: { 'x-correlation-id': 'a/b' } },
        400,
        'invalid-correlation-id',
      ],
    ];

    it.each(cases)('%s', async (_name, event, status, code) => {
      const { deps, invocation, batchCalls } = setup();

      const response = await createOrderBatch(restApiEvent(event), deps, invocation);

      expect(response.statusCode).toBe(status);
      expect(parseBody(response)).toEqual({
        error: expect.objectContaining({ code, message: expect.any(String) }),
      });
      expect(batchCalls).toEqual([]);
    });

    it('answers 400 listing every bad field under orders.<index> when no order is valid', async () => {
      const { deps, invocation, batchCalls } = setup();

      const response = await createOrderBatch(
        batchEvent([{ ...orderRequest(), storeId: 0 }, null]),
        deps,
        invocation,
      );

      expect(response.statusCode).toBe(400);
      expect(parseBody<ErrorAnswer>(response)).toEqual({
        error: {
          code: 'invalid-orders',
          message: 'no order of the batch was accepted',
          issues: [
            { path: 'orders.0.storeId', message: expect.any(String) },
            { path: 'orders.1', message: expect.any(String) },
          ],
        },
      });
      expect(batchCalls).toEqual([]);
    });
  });

  it('refuses the whole batch with 403 when any order is for another store, recording and sending nothing', async () => {
    const { deps, invocation, batchCalls, orders: table } = setup();
    const orders = [anOrder({ storeId: 7 }), anOrder({ storeId: 8 }), anOrder({ storeId: 7 })];

    const response = await createOrderBatch(batchEvent(orders), deps, invocation);

    expect(response.statusCode).toBe(403);
    expect(parseBody<ErrorAnswer>(response).error).toEqual(
      expect.objectContaining({
        code: 'store-mismatch',
        issues: [{ path: 'orders.1.storeId', message: "must be 7, the key's store" }],
      }),
    );
    expect(batchCalls).toEqual([]);
    expect(table.calls).toEqual([]);
  });

  it('refuses a batch from a closed store with 403 store-closed, recording and sending nothing', async () => {
    const { deps, invocation, batchCalls, orders } = setup();

    const response = await createOrderBatch(
      batchEvent([anOrder({ storeId: 9 })], { store: { storeId: 9, status: 'closed' } }),
      deps,
      invocation,
    );

    expect(response.statusCode).toBe(403);
    expect(parseBody<ErrorAnswer>(response).error.code).toBe('store-closed');
    expect(batchCalls).toEqual([]);
    expect(orders.calls).toEqual([]);
  });
});
