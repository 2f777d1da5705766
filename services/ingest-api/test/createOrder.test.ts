import { ORDER_CONTENT_TYPE, ORDER_ID_PATTERN, orderFingerprint, parseOrder } from '@order-pipeline/common';
import {
  anOrder,
  FAKE_SPAN_ID,
  FAKE_TRACE_ID,
  FIXED_NOW,
  fakeTracer,
  TRACE_HEADER,
} from '@order-pipeline/common/testing';
import { parseTraceHeader } from '@order-pipeline/common/tracing';
import { createOrder, type OrderAccepted } from '../src/createOrder';
import { MAX_ORDER_BYTES } from '../src/limits';
import {
  type ErrorAnswer,
  fakeRoute,
  orderRequest,
  parseBody,
  recordingQueue,
  restApiEvent,
} from './factories';

/** A valid order's JSON with the customer's name holding the bytes C3 28 (a truncated sequence), as base64. */
const invalidUtf8Body = (): string => {
  const json = Buffer.from(
    JSON.stringify(orderRequest({ customer: { ...orderRequest().customer, name: 'Ada XX' } })),
  );
  const at = json.indexOf('XX');
  json[at] = 0xc3;
  json[at + 1] = 0x28;
  return json.toString('base64');
};

/** A valid order's JSON whose address says `city` twice, the second time escaped. */
const duplicateKeyBody = (): string =>
  JSON.stringify(orderRequest()).replace('"city":"London"', '"city":"London","\\u0063ity":"Paris"');

describe('createOrder()', () => {
  it('sends the order with its attributes and trace header and answers 202 with its ids', async () => {
    const { deps, sent } = fakeRoute();
    const order = anOrder();

    const response = await createOrder(
      restApiEvent({ body: order, headers: { 'X-Correlation-Id': 'store-7:batch.42_a' } }),
      deps,
    );

    expect(response.statusCode).toBe(202);
    expect(parseBody<OrderAccepted>(response)).toEqual({
      orderId: order.orderId,
      messageId: `msg-${order.orderId}`,
      traceId: FAKE_TRACE_ID,
      correlationId: 'store-7:batch.42_a',
    });
    expect(response.headers['x-correlation-id']).toBe('store-7:batch.42_a');
    expect(sent).toHaveLength(1);
    const [message] = sent;
    expect(JSON.parse(message?.body ?? '')).toEqual(order);
    expect(message?.attributes).toEqual({
      store_id: { DataType: 'Number', StringValue: '7' },
      content_type: { DataType: 'String', StringValue: ORDER_CONTENT_TYPE },
      correlation_id: { DataType: 'String', StringValue: 'store-7:batch.42_a' },
      producer: { DataType: 'String', StringValue: 'ingest-api' },
    });
    expect(parseTraceHeader(message?.traceHeader ?? '')).toEqual({
      root: FAKE_TRACE_ID,
      parent: FAKE_SPAN_ID,
      sampled: '1',
    });
  });

  it('assigns an orderId matching ORDER_ID_PATTERN and createdAt when the store gave none', async () => {
    const { deps, sent } = fakeRoute();

    const response = await createOrder(restApiEvent({ body: orderRequest() }), deps);

    const { orderId } = parseBody<OrderAccepted>(response);
    expect(response.statusCode).toBe(202);
    expect(orderId).toMatch(ORDER_ID_PATTERN);
    expect(orderId).toMatch(/^ord-[0-9a-f-]{36}$/);
    const body = parseOrder(JSON.parse(sent[0]?.body ?? ''));
    expect(body.orderId).toBe(orderId);
    expect(body.createdAt).toBe(FIXED_NOW.toISOString());
  });

  it('generates a correlation id when the request has none', async () => {
    const { deps, sent } = fakeRoute();

    const response = await createOrder(restApiEvent({ body: orderRequest() }), deps);

    const { correlationId } = parseBody<OrderAccepted>(response);
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[0]?.attributes.correlation_id?.StringValue).toBe(correlationId);
  });

  it("continues the caller's X-Amzn-Trace-Id and annotates the span with the order", async () => {
    const { deps, spans } = fakeRoute();
    const order = anOrder({ storeId: 12 });

    await createOrder(
      restApiEvent({
        body: order,
        headers: { 'X-Amzn-Trace-Id': TRACE_HEADER },
        store: { storeId: 12, status: 'open' },
      }),
      deps,
    );

    expect(spans).toHaveLength(1);
    expect(spans[0]?.options).toEqual(
      expect.objectContaining({ name: 'ingest-api', parentHeader: TRACE_HEADER }),
    );
    expect(spans[0]?.annotations).toEqual(expect.objectContaining({ orderId: order.orderId, storeId: 12 }));
  });

  it('accepts application/json with a utf-8 charset, in any case', async () => {
    const { deps, sent } = fakeRoute();

    const response = await createOrder(
      restApiEvent({
        body: orderRequest(),
        headers: { 'Content-Type': 'Application/JSON; Charset="UTF-8"' },
      }),
      deps,
    );

    expect(response.statusCode).toBe(202);
    expect(sent).toHaveLength(1);
  });

  it('reads a base64-encoded body', async () => {
    const { deps, sent } = fakeRoute();
    const order = anOrder();

    const response = await createOrder(
      restApiEvent({ body: Buffer.from(JSON.stringify(order)).toString('base64'), isBase64Encoded: true }),
      deps,
    );

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual(order);
  });

  it('answers 503 with Retry-After and the orderId to retry with when SQS fails', async () => {
    const { deps, sent, spans, lines } = fakeRoute({ sendFails: new Error('ServiceUnavailable') });
    const order = anOrder();

    const response = await createOrder(restApiEvent({ body: order }), deps);

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(parseBody(response)).toEqual({
      error: { code: 'queue-unavailable', message: expect.stringContaining('same orderId') },
      orderId: order.orderId,
      correlationId: expect.any(String),
      traceId: FAKE_TRACE_ID,
    });
    expect(sent).toHaveLength(1);
    expect(spans[0]?.failures).toHaveLength(1);
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
  });

  describe('refuses a bad request and enqueues nothing', () => {
    const cases: Array<[string, Parameters<typeof restApiEvent>[0], number, string]> = [
      ['invalid JSON', { body: '{"storeId": 1,' }, 400, 'invalid-json'],
      ['an empty body', { body: '' }, 400, 'invalid-json'],
      [
        'a text/plain body',
        { body: orderRequest(), headers: { 'Content-Type': 'text/plain' } },
        415,
        'unsupported-media-type',
      ],
      [
        'no content type',
        { body: orderRequest(), headers: { 'Content-Type': '' } },
        415,
        'unsupported-media-type',
      ],
      [
        'a charset other than utf-8',
        { body: orderRequest(), headers: { 'Content-Type': 'application/json; charset=iso-8859-1' } },
        415,
        'unsupported-media-type',
      ],
      [
        'a body over the limit',
        { body: orderRequest({ padding: 'x'.repeat(MAX_ORDER_BYTES) }) },
        413,
        'payload-too-large',
      ],
      [
        'a malformed x-correlation-id',
        { body: orderRequest(), headers: { 'x-correlation-id': 'bad id with spaces' } },
        400,
        'invalid-correlation-id',
      ],
      [
        'an x-correlation-id over 128 characters',
        { body: orderRequest(), headers: { 'x-correlation-id': 'a'.repeat(129) } },
        400,
        'invalid-correlation-id',
      ],
      ['a JSON array', { body: [orderRequest()] }, 400, 'invalid-order'],
      [
        'invalid UTF-8 in a string (base64 body, as API Gateway passes binary media types)',
        { body: invalidUtf8Body(), isBase64Encoded: true },
        400,
        'invalid-encoding',
      ],
      ['a key twice in one object', { body: duplicateKeyBody() }, 400, 'duplicate-key'],
      [
        'JSON nested deeper than the duplicate-key check can follow (under the size limit)',
        { body: `${'['.repeat(20_000)}${']'.repeat(20_000)}` },
        400,
        'invalid-json',
      ],
      [
        'a name made of zero-width spaces',
        { body: orderRequest({ customer: { ...orderRequest().customer, name: '\u200b\u200b' } }) },
        400,
        'invalid-order',
      ],
    ];

    it.each(['ssn:078-05-1120', 'ada@example.com', 'card-4111111111111111', 'tel:+44-20-7946-0958'])(
      'refuses the x-correlation-id %j, which carries personal data, naming the header and never echoing it',
      async (correlationId) => {
        const { deps, sent, spans, lines } = fakeRoute();

        const response = await createOrder(
          restApiEvent({ body: orderRequest(), headers: { 'x-correlation-id': correlationId } }),
          deps,
        );

        expect(response.statusCode).toBe(400);
        const { error } = parseBody<ErrorAnswer>(response);
        expect(error.code).toBe('invalid-correlation-id');
        expect(error.message).toContain('x-correlation-id');
        expect(JSON.stringify({ response, spans, lines })).not.toContain(correlationId);
        expect(sent).toEqual([]);
      },
    );

    it.each(cases)('%s', async (_name, event, status, code) => {
      const { deps, sent } = fakeRoute();

      const response = await createOrder(restApiEvent(event), deps);

      expect(response.statusCode).toBe(status);
      expect(parseBody(response)).toEqual({
        error: expect.objectContaining({ code, message: expect.any(String) }),
      });
      expect(sent).toEqual([]);
    });

    it('names the key that occurs twice', async () => {
      const { deps } = fakeRoute();

      const response = await createOrder(restApiEvent({ body: duplicateKeyBody() }), deps);

      expect(parseBody<ErrorAnswer>(response).error.issues).toEqual([
        { path: 'customer.address.city', message: 'must occur once in its object' },
      ]);
    });

    it('lists every bad field of an invalid order', async () => {
      const { deps, sent } = fakeRoute();
      const body = orderRequest({
        storeId: -1,
        currency: 'euro',
        items: [{ sku: 'TEA-001', quantity: 0, unitPriceCents: 450 }],
      });

      const response = await createOrder(restApiEvent({ body }), deps);

      expect(response.statusCode).toBe(400);
      const { error } = parseBody<ErrorAnswer>(response);
      expect(error.code).toBe('invalid-order');
      expect(error.issues?.map((issue) => issue.path).sort()).toEqual([
        'currency',
        'items.0.quantity',
        'storeId',
      ]);
      expect(sent).toEqual([]);
    });
  });

  it('keeps a U+FFFF in a customer name, escaped so that SQS accepts the body', async () => {
    const { deps, sent } = fakeRoute();
    const order = anOrder({ customer: { ...anOrder().customer, name: 'Ada \uFFFF Lovelace' } });

    const response = await createOrder(restApiEvent({ body: order }), deps);

    expect(response.statusCode).toBe(202);
    expect(sent[0]?.body).not.toMatch(/\uFFFF/);
    expect(JSON.parse(sent[0]?.body ?? '').customer.name).toBe('Ada \uFFFF Lovelace');
  });

  describe('idempotency per (storeId, orderId)', () => {
    it('records the order ACCEPTED before sending it, and completes the record with the messageId', async () => {
      const { deps, orders } = fakeRoute();
      const order = anOrder();

      await createOrder(restApiEvent({ body: order }), deps);

      expect(orders.calls.map((call) => call.method)).toEqual(['recordAccepted', 'completeAccepted']);
      expect(orders.item(order)).toEqual(
        expect.objectContaining({
          status: 'ACCEPTED',
          fingerprint: orderFingerprint(order),
          messageId: `msg-${order.orderId}`,
        }),
      );
    });

    it('answers a replay of the same content 202 with the same orderId and messageId, sending nothing', async () => {
      const { deps, sent } = fakeRoute();
      const order = anOrder();

      const first = await createOrder(restApiEvent({ body: order }), deps);
      const replay = await createOrder(
        restApiEvent({ body: { ...order, createdAt: '2026-11-23T00:00:00Z' } }),
        deps,
      );

      expect(replay.statusCode).toBe(202);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(parseBody<OrderAccepted>(replay).messageId).toBe(parseBody<OrderAccepted>(first).messageId);
      expect(parseBody<OrderAccepted>(replay).orderId).toBe(order.orderId);
      expect(sent).toHaveLength(1);
    });

    it("answers a replay with the first request's traceId: the trace that follows the queued message", async () => {
      const { deps } = fakeRoute();
      const order = anOrder();
      const replayTrace = '1-6b0e0b2a-0123456789abcdef01234567';

      const first = await createOrder(restApiEvent({ body: order }), deps);
      const replay = await createOrder(restApiEvent({ body: order }), {
        ...deps,
        tracer: fakeTracer(replayTrace).tracer,
      });

      expect(parseBody<OrderAccepted>(first).traceId).toBe(FAKE_TRACE_ID);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(parseBody<OrderAccepted>(replay).traceId).toBe(FAKE_TRACE_ID);
    });

    it('answers 409 order-conflict for other content under a used orderId, and sends nothing', async () => {
      const { deps, sent, orders } = fakeRoute();
      const order = anOrder();
      await createOrder(restApiEvent({ body: order }), deps);

      const response = await createOrder(restApiEvent({ body: { ...order, currency: 'USD' } }), deps);

      expect(response.statusCode).toBe(409);
      expect(parseBody<ErrorAnswer>(response).error.code).toBe('order-conflict');
      expect(sent).toHaveLength(1);
      expect(orders.item(order)?.fingerprint).toBe(orderFingerprint(order));
    });

    it('keeps the record when SQS did not confirm, so that the same content resends and other content is refused', async () => {
      const { deps, orders } = fakeRoute({ sendFails: new Error('socket hang up') });
      const order = anOrder();
      await createOrder(restApiEvent({ body: order }), deps);
      const healthy = recordingQueue();
      const retryDeps = { ...deps, ordersQueue: healthy.queue };

      const conflict = await createOrder(restApiEvent({ body: { ...order, currency: 'USD' } }), retryDeps);
      const retry = await createOrder(restApiEvent({ body: order }), retryDeps);

      expect(conflict.statusCode).toBe(409);
      expect(retry.statusCode).toBe(202);
      expect(healthy.sent.map((message) => message.orderId)).toEqual([order.orderId]);
      expect(orders.item(order)?.messageId).toBe(`msg-${order.orderId}`);
    });

    it('answers 503 table-unavailable, sending nothing, when the record cannot be written', async () => {
      const { deps, sent, orders } = fakeRoute();
      orders.failNext.push(new Error('ProvisionedThroughputExceededException'));

      const response = await createOrder(restApiEvent({ body: anOrder() }), deps);

      expect(response.statusCode).toBe(503);
      expect(parseBody<ErrorAnswer>(response).error).toEqual(
        expect.objectContaining({
          code: 'table-unavailable',
          message: expect.stringMatching(/Idempotency-Key/),
        }),
      );
      expect(sent).toEqual([]);
    });

    it('still answers 202 when the record cannot be completed: the order is queued', async () => {
      const { deps, orders, lines } = fakeRoute();
      const order = anOrder();
      orders.completeAccepted = async () => {
        throw new Error('throttled');
      };

      const response = await createOrder(restApiEvent({ body: order }), deps);

      expect(response.statusCode).toBe(202);
      expect(lines.map((line) => line.message)).toContain(
        'the idempotency record was not completed; the order is queued',
      );
    });
  });

  describe('Idempotency-Key', () => {
    it('derives the same orderId from the same key when the body has none: a retry is the same order', async () => {
      const { deps, sent } = fakeRoute();
      const request = orderRequest();
      const event = () =>
        restApiEvent({ body: request, headers: { 'Idempotency-Key': 'checkout-2026-11-22-0042' } });

      const first = await createOrder(event(), deps);
      const retry = await createOrder(event(), deps);

      const { orderId } = parseBody<OrderAccepted>(first);
      expect(orderId).toMatch(ORDER_ID_PATTERN);
      expect(parseBody<OrderAccepted>(retry).orderId).toBe(orderId);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(sent).toHaveLength(1);
    });

    it('derives different orderIds for different keys, and for different stores with one key', async () => {
      const { deps } = fakeRoute();
      const post = async (key: string, storeId: number) =>
        parseBody<OrderAccepted>(
          await createOrder(
            restApiEvent({
              body: orderRequest({ storeId }),
              headers: { 'Idempotency-Key': key },
              store: { storeId, status: 'open' },
            }),
            deps,
          ),
        ).orderId;

      const ids = [await post('k-1', 7), await post('k-2', 7), await post('k-1', 8)];

      expect(new Set(ids).size).toBe(3);
    });

    it('keeps the body’s orderId when there is one', async () => {
      const { deps } = fakeRoute();
      const order = anOrder();

      const response = await createOrder(
        restApiEvent({ body: order, headers: { 'Idempotency-Key': 'k-1' } }),
        deps,
      );

      expect(parseBody<OrderAccepted>(response).orderId).toBe(order.orderId);
    });

    it.each([
      ['empty', ''],
      ['too long', 'k'.repeat(256)],
      ['not printable ASCII', 'clé-1'],
      ['with a control character', 'k\t1'],
    ])('refuses a key that is %s with 400, sending nothing', async (_label, key) => {
      const { deps, sent } = fakeRoute();

      const response = await createOrder(
        restApiEvent({ body: orderRequest(), headers: { 'Idempotency-Key': key } }),
        deps,
      );

      expect(response.statusCode).toBe(400);
      expect(parseBody<ErrorAnswer>(response).error.code).toBe('invalid-idempotency-key');
      expect(sent).toEqual([]);
    });
  });

  it("refuses an order for another store than the key's with 403, recording and sending nothing", async () => {
    const { deps, sent, orders } = fakeRoute();

    const response = await createOrder(restApiEvent({ body: anOrder({ storeId: 8 }) }), deps);

    expect(response.statusCode).toBe(403);
    expect(parseBody<ErrorAnswer>(response).error).toEqual({
      code: 'store-mismatch',
      message: 'this API key belongs to store 7; it cannot send orders for another store',
      issues: [{ path: 'storeId', message: "must be 7, the key's store" }],
    });
    expect(sent).toEqual([]);
    expect(orders.calls).toEqual([]);
  });

  it('refuses an order from a closed store with 403 store-closed, recording and sending nothing', async () => {
    const { deps, sent, orders } = fakeRoute();

    const response = await createOrder(
      restApiEvent({ body: anOrder({ storeId: 9 }), store: { storeId: 9, status: 'closed' } }),
      deps,
    );

    expect(response.statusCode).toBe(403);
    expect(parseBody<ErrorAnswer>(response).error.code).toBe('store-closed');
    expect(sent).toEqual([]);
    expect(orders.calls).toEqual([]);
  });
});
