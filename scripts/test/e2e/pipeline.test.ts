import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { buildOrderAttributes } from '@order-pipeline/common';
import { anOrder } from '@order-pipeline/common/testing';
import { parseTraceHeader } from '@order-pipeline/common/tracing';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { queueOf } from '@order-pipeline/local-aws/stack-file';
import { POISON_ATTRIBUTES } from '../../produce/traffic';
import { type E2e, eventually, orderRequest, startE2e, traceOfDeadLetteredOrder } from './harness';

// The whole local stack (embedded SQS and DynamoDB, collector, three services under sls offline),
// driven over HTTP and SQS as a user would.
jest.setTimeout(120_000);

describe('the local stack, end to end', () => {
  let e2e: E2e;
  let maxReceiveCount: number;

  beforeAll(async () => {
    // The default tracing backend, whatever the developer's shell says (tracing.test.ts runs otel).
    // The registry's answers are kept an hour in every service, so that a stale answer
    // (traceOfDeadLetteredOrder) is certain, not a race with the default 10 s.
    e2e = await startE2e({ env: { TRACING_BACKEND: 'xray', STORE_CACHE_TTL_SECONDS: '3600' } });
    const { Attributes } = await e2e.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueOf(e2e.stack.info, 'OrdersQueue').url,
        AttributeNames: ['RedrivePolicy'],
      }),
    );
    maxReceiveCount = Number(JSON.parse(Attributes?.RedrivePolicy ?? '{}').maxReceiveCount);
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  const deadLetterOf = (orderId: string) =>
    eventually(`the dead letter of ${orderId}`, async () =>
      (await e2e.deadLetters()).find((record) => record.orderId === orderId),
    );

  it('processes a posted order, and GET /orders/{id} says PROCESSED', async () => {
    const posted = await e2e.post('/orders', orderRequest(3));
    expect(posted.status).toBe(202);
    const { orderId } = posted.body as { orderId: string };

    const stored = await eventually('the order to be PROCESSED', async () => {
      const response = await e2e.get(`/orders/${orderId}`, {}, 3);
      return (response.body as { status?: string }).status === 'PROCESSED' ? response : undefined;
    });

    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(expect.objectContaining({ orderId, status: 'PROCESSED' }));
  });

  /** The consumer's record spans per message id: one per receive. */
  const consumerReceives = async (messageId: string) =>
    (await e2e.segments()).filter(
      (segment) => segment.name === 'order-consumer' && segment.annotations?.messageId === messageId,
    );

  const sendBatch = async (entries: Array<{ order: ReturnType<typeof anOrder>; poison: boolean }>) => {
    const { Successful = [] } = await e2e.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueOf(e2e.stack.info, 'OrdersQueue').url,
        Entries: entries.map(({ order, poison }, index) => ({
          Id: `m${index}`,
          MessageBody: JSON.stringify(order),
          MessageAttributes: poison
            ? { ...POISON_ATTRIBUTES }
            : buildOrderAttributes({ storeId: order.storeId, correlationId: 'e2e', producer: 'e2e' }),
        })),
      }),
    );
    return entries.map((_, index) => {
      const sent = Successful.find((entry) => entry.Id === `m${index}`);
      if (!sent?.MessageId) throw new Error(`entry m${index} was not sent`);
      return sent.MessageId;
    });
  };

  it('archives a message without store_id as missing-store-id after exactly maxReceiveCount receives', async () => {
    const order = anOrder({ storeId: 4 });
    const [messageId = ''] = await sendBatch([{ order, poison: true }]);

    const deadLetter = await deadLetterOf(order.orderId);

    expect(deadLetter.classification).toBe('missing-store-id');
    const receives = await consumerReceives(messageId);
    expect(receives).toHaveLength(maxReceiveCount);
    expect(receives.every((segment) => segment.annotations?.outcome === 'poison')).toBe(true);
    // The handler archives first, then marks the order: wait for the second write too.
    const marked = await eventually('the order to be marked DEAD_LETTERED', async () => {
      const stored = await e2e.storedOrder(order.storeId, order.orderId);
      return stored?.status === 'DEAD_LETTERED' ? stored : undefined;
    });
    expect(marked).toEqual(expect.objectContaining({ orderId: order.orderId, status: 'DEAD_LETTERED' }));
  });

  it('in a mixed batch receives only the bad messages again; the good ones are processed once', async () => {
    const good = [anOrder({ storeId: 5 }), anOrder({ storeId: 6 }), anOrder({ storeId: 7 })];
    const bad = [anOrder({ storeId: 5 }), anOrder({ storeId: 6 })];
    const ids = await sendBatch([
      ...good.map((order) => ({ order, poison: false })),
      ...bad.map((order) => ({ order, poison: true })),
    ]);

    await Promise.all(bad.map((order) => deadLetterOf(order.orderId)));

    const receives = await Promise.all(ids.map(consumerReceives));
    expect(receives.map((spans) => spans.length)).toEqual([1, 1, 1, maxReceiveCount, maxReceiveCount]);
    for (const order of good) {
      expect(await e2e.storedOrder(order.storeId, order.orderId)).toEqual(
        expect.objectContaining({ status: 'PROCESSED' }),
      );
    }
  });

  it("shares one trace Root across the ingest segment, the consumer's record and the DLQ handler's record", async () => {
    const { traceId, segments } = await traceOfDeadLetteredOrder(e2e);

    expect(new Set(segments.map((segment) => segment.trace_id))).toEqual(new Set([traceId]));
    expect(() => parseTraceHeader(`Root=${traceId}`)).not.toThrow();
    // The default backend: X-Ray SDK segments over UDP (OpenTelemetry spans would name their service).
    expect(e2e.stack.info.tracingBackend).toBe('xray');
    expect(segments.filter((segment) => segment.service_name !== undefined)).toEqual([]);
  });

  // API Gateway's own refusals in the deployed shape (ingest-api's GatewayResponse resources, which the
  // patched serverless-offline reads): the authorizer's Deny is ACCESS_DENIED.
  const explicitDeny = {
    error: {
      code: 'ACCESS_DENIED',
      message: 'User is not authorized to access this resource with an explicit deny',
    },
  };

  it('refuses a request without the API key with 403 ACCESS_DENIED, in the gateway-response shape', async () => {
    const response = await fetch(`${e2e.stack.info.apiBaseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(orderRequest(1)),
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(await response.json()).toEqual(explicitDeny);
  });

  it('answers an unknown path, an undefined method, HEAD and OPTIONS with 403 Missing Authentication Token', async () => {
    const base = e2e.stack.info.apiBaseUrl;
    const key = { 'x-api-key': e2e.keyOf(7) };
    const answers = await Promise.all([
      fetch(`${base}/nowhere`, { headers: key }),
      fetch(`${base}/orders`, { method: 'DELETE', headers: key }),
      fetch(`${base}/orders/some-order`, { method: 'HEAD', headers: key }),
      fetch(`${base}/orders`, { method: 'OPTIONS', headers: { origin: 'https://shop.example' } }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403]);
    expect(answers.map((answer) => answer.headers.get('x-amzn-errortype'))).toEqual(
      Array(4).fill('MissingAuthenticationTokenException'),
    );
    const [unknownPath = '', unknownMethod = '', head, options = ''] = await Promise.all(
      answers.map((answer) => answer.text()),
    );
    expect(head).toBe('');
    expect([unknownPath, unknownMethod, options].map((body) => JSON.parse(body))).toEqual(
      Array(3).fill({
        error: { code: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' },
      }),
    );
  });

  it('enqueues nothing for bad requests', async () => {
    const consumerSegments = async () =>
      (await e2e.segments()).filter((segment) => segment.name === 'order-consumer').length;
    await eventually("earlier tests' messages to settle", async () => {
      const { Attributes } = await e2e.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueOf(e2e.stack.info, 'OrdersQueue').url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible) ===
        0
        ? true
        : undefined;
    });
    const before = await consumerSegments();

    const store7 = { 'x-api-key': e2e.keyOf(7) };
    // No Content-Type at all (a Uint8Array body gets none from fetch): API Gateway passes the request on
    // without one, and ingest answers 415.
    const withoutContentType = async () => {
      const response = await fetch(`${e2e.stack.info.apiBaseUrl}/orders`, {
        method: 'POST',
        headers: store7,
        body: new TextEncoder().encode(JSON.stringify(orderRequest(7))),
      });
      return { status: response.status, body: await response.json(), headers: response.headers };
    };
    const requests: Array<() => ReturnType<E2e['post']>> = [
      () => e2e.post('/orders', '{"storeId": 1,'),
      () => e2e.post('/orders', orderRequest(1), { 'content-type': 'text/plain' }),
      withoutContentType,
      () => e2e.post('/orders', { ...orderRequest(1), items: [] }),
      () => e2e.post('/orders', orderRequest(1), { 'x-correlation-id': 'bad id with spaces' }),
      () => e2e.post('/orders/batch', { orders: Array.from({ length: 101 }, () => orderRequest(1)) }),
      () =>
        e2e.post(
          '/orders',
          JSON.stringify(orderRequest(1)).replace('"currency":"EUR"', '"currency":"EUR","currency":"USD"'),
        ),
      () =>
        e2e.post(
          '/orders',
          orderRequest(1, { customer: { ...orderRequest(1).customer, name: '\u200b\u2060' } }),
        ),
      // Identity: an order for another store than the key's, alone or in a batch; a closed store; a
      // request that tries to name its store itself.
      () => e2e.post('/orders', orderRequest(8), store7),
      () => e2e.post('/orders/batch', { orders: [orderRequest(7), orderRequest(8)] }, store7),
      () => e2e.post('/orders', orderRequest(9)),
      () =>
        e2e.post('/orders', orderRequest(8), {
          ...store7,
          'sls-offline-authorizer-override': JSON.stringify({ storeId: '8', storeStatus: 'open' }),
        }),
    ];
    // One at a time: sls offline starts a worker thread (a cold start) per concurrent request and per
    // function, the authorizer's included; this test is about answers, not concurrency.
    const answers: Array<Awaited<ReturnType<E2e['post']>>> = [];
    for (const request of requests) answers.push(await request());
    // A good order after the bad ones: once it is processed, anything the bad ones enqueued would have been too.
    const sentinel = await e2e.post('/orders', orderRequest(2));
    const { orderId } = sentinel.body as { orderId: string };
    await eventually('the sentinel order', async () =>
      (await e2e.storedOrder(2, orderId))?.status === 'PROCESSED' ? true : undefined,
    );
    // Its segment reaches the collector after the write (the span closes when the record is done).
    await eventually("the sentinel's consumer segment", async () =>
      (await e2e.segments()).some(
        (segment) => segment.name === 'order-consumer' && segment.annotations?.orderId === orderId,
      )
        ? true
        : undefined,
    );

    expect(answers.map((answer) => answer.status)).toEqual([
      400, 415, 415, 400, 400, 400, 400, 400, 403, 403, 403, 403,
    ]);
    for (const answer of answers)
      expect(answer.body).toEqual({ error: expect.objectContaining({ code: expect.any(String) }) });
    expect(answers[2]?.body).toEqual({ error: expect.objectContaining({ code: 'unsupported-media-type' }) });
    expect(answers.slice(8).map((answer) => (answer.body as { error: { code: string } }).error.code)).toEqual(
      ['store-mismatch', 'store-mismatch', 'store-closed', 'identity-override'],
    );
    expect((await consumerSegments()) - before).toBe(1);
  });

  describe('orders you can trust', () => {
    /** The consumer's records of one order, by outcome. */
    const consumerOutcomes = async (orderId: string) =>
      (await e2e.segments())
        .filter((segment) => segment.name === 'order-consumer' && segment.annotations?.orderId === orderId)
        .map((segment) => segment.annotations?.outcome);

    const processedOrder = (storeId: number, orderId: string) =>
      eventually(`order ${storeId}/${orderId} to be PROCESSED`, async () => {
        const stored = await e2e.storedOrder(storeId, orderId);
        return stored?.status === 'PROCESSED' ? stored : undefined;
      });

    /** A good order after the others: once it is processed, anything sent before it has been received. */
    const settle = async () => {
      const sentinel = await e2e.post('/orders', orderRequest(2));
      await processedOrder(2, (sentinel.body as { orderId: string }).orderId);
    };

    it('answers a reused orderId with another body 409 order-conflict, and enqueues nothing', async () => {
      const request = { ...orderRequest(5), orderId: `e2e-conflict-${Date.now()}` };
      const first = await e2e.post('/orders', request);

      const conflict = await e2e.post('/orders', { ...request, currency: 'USD' });
      await processedOrder(5, request.orderId);
      await settle();

      expect(first.status).toBe(202);
      expect(conflict.status).toBe(409);
      expect(conflict.body).toEqual({ error: expect.objectContaining({ code: 'order-conflict' }) });
      expect(await consumerOutcomes(request.orderId)).toEqual(['processed']);
      expect((await e2e.storedOrder(5, request.orderId))?.order).toEqual(
        expect.objectContaining({ currency: 'EUR' }),
      );
    });

    it('answers a replay of the same body 202 with the same orderId, and stores one order', async () => {
      const request = { ...orderRequest(5), orderId: `e2e-replay-${Date.now()}` };

      const first = await e2e.post('/orders', request);
      const replay = await e2e.post('/orders', request);
      await processedOrder(5, request.orderId);
      await settle();

      expect([first.status, replay.status]).toEqual([202, 202]);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect((replay.body as { orderId: string }).orderId).toBe(request.orderId);
      expect(
        (await consumerOutcomes(request.orderId)).filter((outcome) => outcome === 'processed'),
      ).toHaveLength(1);
    });

    it('maps a retry under the same Idempotency-Key after a client timeout to the one order', async () => {
      const key = `e2e-key-${Date.now()}`;
      const request = orderRequest(6, {
        customer: { ...orderRequest(6).customer, email: `${key}@example.com` },
      });

      // The client gives up before the answer (as after a 504): it never learns the orderId. Whether the
      // aborted request reached the API or not, both retries must map to the one order.
      await e2e
        .post('/orders', request, { 'idempotency-key': key }, AbortSignal.timeout(30))
        .catch(() => undefined);
      const retry = await e2e.post('/orders', request, { 'idempotency-key': key });
      const again = await e2e.post('/orders', request, { 'idempotency-key': key });
      const { orderId } = retry.body as { orderId: string };
      await processedOrder(6, orderId);
      await settle();

      expect([retry.status, again.status]).toEqual([202, 202]);
      expect((again.body as { orderId: string }).orderId).toBe(orderId);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect((await consumerOutcomes(orderId)).filter((outcome) => outcome === 'processed')).toHaveLength(1);
      const { Items = [] } = await e2e.db.send(
        new ScanCommand({ TableName: e2e.stack.info.tables.OrdersTable }),
      );
      expect(Items.filter((item) => item.order?.customer?.email === request.customer.email)).toHaveLength(1);
    });

    it('keeps two stores’ orders with the same orderId apart', async () => {
      const orderId = `e2e-shared-${Date.now()}`;

      const answers = await Promise.all([
        e2e.post('/orders', { ...orderRequest(7), orderId }),
        e2e.post('/orders', { ...orderRequest(8), orderId }),
      ]);
      const stored = await Promise.all([processedOrder(7, orderId), processedOrder(8, orderId)]);

      expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
      expect(stored.map((item) => item.storeId)).toEqual([7, 8]);
    });

    it('archives a conflicting message sent straight to SQS as order-conflict, keeping the stored order', async () => {
      const order = anOrder({ storeId: 5 });
      await sendBatch([{ order, poison: false }]);
      await processedOrder(5, order.orderId);

      await sendBatch([{ order: { ...order, currency: 'USD' }, poison: false }]);
      const deadLetter = await deadLetterOf(order.orderId);

      expect(deadLetter.classification).toBe('order-conflict');
      expect((await e2e.storedOrder(5, order.orderId))?.order).toEqual(order);
    });

    it('refuses invalid UTF-8 byte for byte (JSON is a binary media type; serverless-offline patched)', async () => {
      const bytes = Buffer.from(
        JSON.stringify(orderRequest(1, { customer: { ...orderRequest(1).customer, name: 'Ada XX' } })),
      );
      const at = bytes.indexOf('XX');
      bytes[at] = 0xc3;
      bytes[at + 1] = 0x28;

      const answer = await e2e.post('/orders', new Uint8Array(bytes));

      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: expect.objectContaining({ code: 'invalid-encoding' }) });
    });
  });

  describe('store identity', () => {
    const waitProcessed = (orderId: string, storeId: number) =>
      eventually(`order ${orderId} to be PROCESSED`, async () => {
        const response = await e2e.get(`/orders/${orderId}`, {}, storeId);
        return (response.body as { status?: string }).status === 'PROCESSED' ? response : undefined;
      });

    it('lets two stores each send and read their own orders with their own keys', async () => {
      const [one, eight] = await Promise.all([
        e2e.post('/orders', orderRequest(1), { 'x-api-key': e2e.keyOf(1) }),
        e2e.post('/orders', orderRequest(8), { 'x-api-key': e2e.keyOf(8) }),
      ]);
      expect([one.status, eight.status]).toEqual([202, 202]);

      const read = await Promise.all([
        waitProcessed((one.body as { orderId: string }).orderId, 1),
        waitProcessed((eight.body as { orderId: string }).orderId, 8),
      ]);

      expect(read.map((response) => (response.body as { storeId: number }).storeId)).toEqual([1, 8]);
    });

    it("answers another store's order exactly as an order that does not exist", async () => {
      const posted = await e2e.post('/orders', orderRequest(8), { 'x-api-key': e2e.keyOf(8) });
      const { orderId } = posted.body as { orderId: string };
      await waitProcessed(orderId, 8);

      const foreign = await e2e.get(`/orders/${orderId}`, {}, 7);
      const missing = await e2e.get('/orders/ord-never-sent', {}, 7);

      expect([foreign.status, missing.status]).toEqual([404, 404]);
      expect(foreign.body).toEqual({
        error: { code: 'order-not-found', message: `there is no order ${orderId}` },
      });
      expect(missing.body).toEqual({
        error: { code: 'order-not-found', message: 'there is no order ord-never-sent' },
      });
    });

    it('takes orders at once from a store `pnpm stores add` created, with the key it printed', async () => {
      const { stdout } = await promisify(execFile)(
        'pnpm',
        ['--silent', 'stores', 'add', '70', '--name', 'Deptford'],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, STACK_FILE: join(dirname(e2e.stack.info.logsDir), 'stack.json') },
        },
      );
      const key = /API key \(shown once, keep it now\): (\S+)/.exec(stdout)?.[1] ?? '';

      const posted = await e2e.post('/orders', orderRequest(70), { 'x-api-key': key });

      expect(posted.status).toBe(202);
    });

    it('refuses an unknown key with 403 ACCESS_DENIED, as API Gateway answers the authorizer', async () => {
      const response = await e2e.post('/orders', orderRequest(7), {
        'x-api-key': 'local-store-77-key-0123456789abcdef',
      });

      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
      expect(response.body).toEqual(explicitDeny);
    });
  });
});
