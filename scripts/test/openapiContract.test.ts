import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalAws, REPO_ROOT, startLocalAws } from '@order-pipeline/local-aws';
import { parse as parseShell } from 'shell-quote';
import * as ex from '../openapi/examples';
import { LOCAL_API_URL, REQUESTS_PATH } from '../openapi/requests';
import {
  type Answer,
  type Authorizer,
  documentChecker,
  type Handlers,
  type HttpRequest,
  loadDocument,
  type OperationId,
  operations,
  sendThrough,
} from './openapiHarness';

// docs/openapi.json against the real ingest-api handlers (middy, SDK clients built from the environment,
// the store authorizer reading the seeded stores registry) and the embedded SQS and DynamoDB: every
// example request in the document, the README and docs/requests.http is answered as they say, every
// error code the document lists for the functions is what they answer to a request crafted to cause
// it, and every answer matches its documented schema and headers.
jest.setTimeout(120_000);

const document = loadDocument();
const check = documentChecker(document);

/** Handlers whose orders table or queue does not exist: the 503s. */
type Variant = 'noTable' | 'noQueue';

describe('docs/openapi.json against the real handlers', () => {
  let local: LocalAws;
  let daemon: Socket;
  const savedEnv = { ...process.env };
  let authorize: Authorizer;
  let handlers: Handlers;
  const variants = {} as Record<Variant, Handlers>;

  const keyOf = (storeId: number): string => {
    const key = local.stores.find((store) => store.storeId === storeId)?.apiKey;
    if (key === undefined) throw new Error(`store ${storeId} has no seeded key`);
    return key;
  };

  const importHandlers = async (): Promise<Handlers> => ({
    createOrder: (await import('../../services/ingest-api/src/handlers/createOrder')).handler,
    createOrderBatch: (await import('../../services/ingest-api/src/handlers/createOrderBatch')).handler,
    getOrder: (await import('../../services/ingest-api/src/handlers/getOrder')).handler,
  });

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer'] });
    // The segments go to a socket that drops them (never to a local stack's collector on 2000).
    daemon = createSocket('udp4');
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    const queueUrl = local.queues.OrdersQueue?.url ?? '';
    const env = {
      ...local.env,
      ORDERS_QUEUE_URL: queueUrl,
      ORDERS_TABLE: local.tables.OrdersTable,
      STORES_TABLE: local.tables.StoresTable,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(daemon.address() as AddressInfo).port}`,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    // The handlers read their environment once, when first imported, as on a Lambda cold start: each
    // variant is a cold start of its own.
    Object.assign(process.env, env, { ORDERS_TABLE: 'order-pipeline-local-no-such-table' });
    await jest.isolateModulesAsync(async () => {
      variants.noTable = await importHandlers();
    });
    Object.assign(process.env, env, { ORDERS_QUEUE_URL: `${queueUrl.replace(/[^/]+$/, '')}no-such-queue` });
    await jest.isolateModulesAsync(async () => {
      variants.noQueue = await importHandlers();
    });
    Object.assign(process.env, env);
    handlers = await importHandlers();
    authorize = (await import('../../services/ingest-api/src/handlers/authorizeStore')).handler;
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    daemon?.close();
    await local?.stop();
  });

  /** Sends the request through the stand-in API Gateway; fails unless the answer is documented as given. */
  const send = async (
    request: HttpRequest,
    options: { variant?: Variant; withoutAuthorizer?: boolean } = {},
  ): Promise<Answer> => {
    const answer = await sendThrough(request, {
      handlers: options.variant ? variants[options.variant] : handlers,
      authorize,
      withoutAuthorizer: options.withoutAuthorizer,
    });
    if ('denied' in answer) throw new Error(`the authorizer denied ${request.method} ${request.path}`);
    expect({
      status: answer.status,
      problems: check.bodyErrors(answer.operationId, answer.status, answer.body),
    }).toEqual({
      status: answer.status,
      problems: [],
    });
    expect(check.headerErrors(answer)).toEqual([]);
    return answer;
  };

  const json = (body: unknown) => JSON.stringify(body);
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}, store = 7) => ({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', 'x-api-key': keyOf(store), ...headers },
    body,
  });
  const get = (orderId: string, headers: Record<string, string> = {}, store = 7) => ({
    method: 'GET',
    path: `/orders/${encodeURIComponent(orderId)}`,
    headers: { 'x-api-key': keyOf(store), ...headers },
  });
  let unique = 0;
  const freshOrder = (overrides: Record<string, unknown> = {}) => ({
    ...ex.README_ORDER,
    orderId: `ord-contract-${process.pid}-${++unique}`,
    ...overrides,
  });

  describe('the examples in the document', () => {
    const requestExamples = operations(document).flatMap(({ operation }) =>
      Object.entries(operation.requestBody?.content['application/json'].examples ?? {}).map(
        ([name, example]) => [operation.operationId, name, example.value] as const,
      ),
    );

    it.each(requestExamples)('%s accepts its request example %s', async (operationId, _name, value) => {
      const path = operationId === 'createOrderBatch' ? '/orders/batch' : '/orders';
      const idempotencyKey = document.components.parameters.IdempotencyKey?.example ?? '';

      const answer = await send(post(path, json(value), { 'Idempotency-Key': idempotencyKey }));

      expect(answer.status).toBe(202);
    });

    it("answers the README's example with the documented orderId, derived from its Idempotency-Key", async () => {
      const answer = await send(
        post('/orders', json(ex.README_ORDER), { 'Idempotency-Key': ex.EXAMPLE_IDEMPOTENCY_KEY }),
      );

      expect(answer.body).toEqual(expect.objectContaining({ orderId: ex.ACCEPTED.orderId }));
    });

    const viewExamples = Object.entries(
      document.paths['/orders/{orderId}']?.get?.responses['200']?.content['application/json'].examples ?? {},
    );

    it.each(viewExamples)(
      'GET answers the stored order of its 200 example %s exactly as documented',
      async (_name, example) => {
        const { deadLetter, ...view } = example.value as {
          orderId: string;
          deadLetter?: { class: string; reason: string };
        };
        await DynamoDBDocumentClient.from(local.dynamo).send(
          new PutCommand({
            TableName: local.tables.OrdersTable,
            Item: {
              ...view,
              ...(deadLetter
                ? { deadLetterClass: deadLetter.class, deadLetterReason: deadLetter.reason }
                : {}),
            },
          }),
        );

        const answer = await send(get(view.orderId));

        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(example.value);
      },
    );

    it('every response example matches its response schema', () => {
      const examples = operations(document).flatMap(({ operation }) =>
        Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.entries(response.content['application/json'].examples ?? {}).map(([name, example]) => ({
            name: `${operation.operationId} ${status} ${name}`,
            problems: check.bodyErrors(operation.operationId, Number(status), example.value),
          })),
        ),
      );

      expect(examples.length).toBeGreaterThan(10);
      expect(examples.filter((example) => example.problems.length > 0)).toEqual([]);
    });
  });

  describe('every error code the document lists for the functions', () => {
    const tooManyOrders = { orders: Array.from({ length: 101 }, () => ex.README_ORDER) };
    const invalidBytes = Buffer.from([0x7b, 0xff, 0x7d]);

    /** operationId, status, code, the request that causes it, and the documented example it must equal. */
    type Crafted = {
      request: () => HttpRequest;
      before?: () => Promise<unknown>;
      variant?: Variant;
      withoutAuthorizer?: boolean;
      example?: string;
    };
    const crafted: Record<OperationId, Record<string, Crafted>> = {
      createOrder: {
        'invalid-correlation-id': {
          request: () => post('/orders', json(freshOrder()), { 'x-correlation-id': 'ssn:078-05-1120' }),
        },
        'invalid-idempotency-key': {
          request: () => post('/orders', json(freshOrder()), { 'Idempotency-Key': 'clé\u00e9' }),
        },
        'invalid-encoding': { request: () => post('/orders', invalidBytes), example: 'invalidEncoding' },
        'invalid-json': { request: () => post('/orders', '{"storeId": 7,') },
        'duplicate-key': {
          request: () => post('/orders', '{"storeId":7,"storeId":8}'),
          example: 'duplicateKey',
        },
        'invalid-order': { request: () => post('/orders', json(ex.INVALID_ORDER)), example: 'invalidOrder' },
        'store-closed': {
          request: () => post('/orders', json({ ...ex.README_ORDER, storeId: 9 }), {}, 9),
          example: 'storeClosed',
        },
        'store-mismatch': {
          request: () => post('/orders', json({ ...ex.README_ORDER, storeId: 8 })),
          example: 'storeMismatch',
        },
        'identity-override': {
          request: () =>
            post('/orders', json(freshOrder()), { 'sls-offline-authorizer-override': '{"storeId":"8"}' }),
        },
        'order-conflict': {
          before: () => send(post('/orders', json(ex.FULL_ORDER))),
          request: () => post('/orders', json({ ...ex.FULL_ORDER, currency: 'GBP' })),
          example: 'orderConflict',
        },
        'payload-too-large': {
          request: () => post('/orders', json({ ...freshOrder(), pad: 'x'.repeat(205_000) })),
        },
        'unsupported-media-type': {
          request: () => post('/orders', json(freshOrder()), { 'content-type': 'text/plain' }),
        },
        'internal-error': { request: () => post('/orders', json(freshOrder())), withoutAuthorizer: true },
        'table-unavailable': { request: () => post('/orders', json(freshOrder())), variant: 'noTable' },
        'queue-unavailable': { request: () => post('/orders', json(freshOrder())), variant: 'noQueue' },
      },
      createOrderBatch: {
        'invalid-correlation-id': {
          request: () =>
            post('/orders/batch', json({ orders: [freshOrder()] }), { 'x-correlation-id': 'a b' }),
        },
        'invalid-idempotency-key': {
          request: () => post('/orders/batch', json({ orders: [freshOrder()] }), { 'Idempotency-Key': '' }),
        },
        'invalid-encoding': { request: () => post('/orders/batch', invalidBytes) },
        'invalid-json': { request: () => post('/orders/batch', '{"orders": [') },
        'duplicate-key': { request: () => post('/orders/batch', '{"orders":[],"orders":[]}') },
        'invalid-batch': { request: () => post('/orders/batch', json([ex.README_ORDER])) },
        'empty-batch': { request: () => post('/orders/batch', json({ orders: [] })) },
        'batch-too-large': { request: () => post('/orders/batch', json(tooManyOrders)) },
        'invalid-orders': {
          request: () => post('/orders/batch', json({ orders: [ex.INVALID_ORDER, 'order'] })),
        },
        'store-closed': {
          request: () => post('/orders/batch', json({ orders: [{ ...ex.README_ORDER, storeId: 9 }] }), {}, 9),
        },
        'store-mismatch': {
          request: () =>
            post('/orders/batch', json({ orders: [freshOrder(), { ...ex.README_ORDER, storeId: 8 }] })),
        },
        'identity-override': {
          request: () =>
            post('/orders/batch', json({ orders: [freshOrder()] }), {
              'sls-offline-authorizer-override': '{}',
            }),
        },
        'payload-too-large': {
          request: () =>
            post('/orders/batch', json({ orders: [{ ...freshOrder(), pad: 'x'.repeat(4_200_000) }] })),
        },
        'unsupported-media-type': {
          request: () =>
            post('/orders/batch', json({ orders: [freshOrder()] }), { 'content-type': 'application/xml' }),
        },
        'internal-error': {
          request: () => post('/orders/batch', json({ orders: [freshOrder()] })),
          withoutAuthorizer: true,
        },
        'queue-unavailable': {
          request: () => post('/orders/batch', json({ orders: [freshOrder()] })),
          variant: 'noQueue',
        },
      },
      getOrder: {
        'invalid-correlation-id': {
          request: () => get('ord-2026-0001', { 'x-correlation-id': 'jane@example.com' }),
        },
        'invalid-order-id': { request: () => get('ord.2026.0001') },
        'identity-override': {
          request: () => get('ord-2026-0001', { 'sls-offline-authorizer-override': '{}' }),
        },
        'order-not-found': {
          before: () => send(post('/orders', json(ex.FULL_ORDER))),
          request: () => get(ex.FULL_ORDER.orderId, {}, 8),
          example: 'orderNotFound',
        },
        'internal-error': { request: () => get('ord-2026-0001'), withoutAuthorizer: true },
        'table-unavailable': { request: () => get('ord-2026-0001'), variant: 'noTable' },
      },
    };

    const documented = operations(document).flatMap(({ operation }) =>
      Object.keys(operation.responses)
        .map(Number)
        .filter((status) => status >= 400)
        .flatMap((status) =>
          check
            .codes(operation.operationId, status)
            .filter((code) => /^[a-z]/.test(code))
            .map((code) => [operation.operationId, status, code] as const),
        ),
    );

    it('has a crafted request for each of them, and for nothing else', () => {
      const craftedCodes = Object.entries(crafted).flatMap(([operationId, codes]) =>
        Object.keys(codes).map((code) => `${operationId} ${code}`),
      );

      expect(craftedCodes.sort()).toEqual(
        documented.map(([operationId, , code]) => `${operationId} ${code}`).sort(),
      );
    });

    it.each(documented)(
      '%s answers %i %s to the request crafted to cause it',
      async (operationId, status, code) => {
        const craft = crafted[operationId][code];
        if (craft === undefined) throw new Error(`no request is crafted for ${operationId} ${code}`);
        await craft.before?.();

        const answer = await send(craft.request(), {
          variant: craft.variant,
          withoutAuthorizer: craft.withoutAuthorizer,
        });

        expect({
          status: answer.status,
          code: (answer.body as { error: { code: string } }).error.code,
        }).toEqual({
          status,
          code,
        });
        if (craft.example !== undefined) {
          expect(answer.body).toEqual(check.example(operationId, status, craft.example));
        }
      },
    );

    it('answers the per-order codes BatchItemResult lists, each order by its index', async () => {
      const first = freshOrder();
      await send(post('/orders', json(ex.FULL_ORDER)));

      const partial = await send(
        post(
          '/orders/batch',
          json({ orders: [first, ex.INVALID_ORDER, first, { ...ex.FULL_ORDER, currency: 'GBP' }] }),
        ),
      );
      const noTable = await send(post('/orders/batch', json({ orders: [freshOrder()] })), {
        variant: 'noTable',
      });
      const noQueue = await send(post('/orders/batch', json({ orders: [freshOrder()] })), {
        variant: 'noQueue',
      });

      const codes = (answer: Answer) =>
        (answer.body as { results: Array<{ status: string; error?: { code: string } }> }).results.map(
          (result) => `${result.status} ${result.error?.code ?? ''}`.trim(),
        );
      expect(partial.status).toBe(207);
      expect(codes(partial)).toEqual([
        'accepted',
        'rejected invalid-order',
        'rejected duplicate-order-id',
        'rejected order-conflict',
      ]);
      expect([noTable.status, ...codes(noTable)]).toEqual([503, 'failed table-unavailable']);
      expect([noQueue.status, ...codes(noQueue)]).toEqual([503, 'failed queue-unavailable']);
      // `rejected queue-rejected` (SQS refusing a valid message as the sender's fault) is no request's
      // doing: services/ingest-api/test/createOrderBatch.test.ts answers it with a refusing queue.
    });

    it.each([
      ['no x-api-key', {}],
      ['an unknown key', { 'x-api-key': 'local-store-42-key-0123456789abcdef' }],
    ])('leaves %s to API Gateway: the authorizer denies it (ACCESS_DENIED)', async (_name, headers) => {
      for (const request of [
        { method: 'POST', path: '/orders', headers, body: json(ex.README_ORDER) },
        { method: 'POST', path: '/orders/batch', headers, body: json(ex.BATCH_REQUEST) },
        { method: 'GET', path: '/orders/ord-2026-0001', headers },
      ]) {
        expect(await sendThrough(request, { handlers, authorize })).toEqual({ denied: true });
      }
      expect(check.codes('createOrder', 403)).toContain('ACCESS_DENIED');
    });
  });

  describe("the README's curl calls", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /```sh\n(KEY7=[\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const curls = block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((line) => line.startsWith('curl '));

    /** A curl command line as the request it sends, and the status its comment promises. */
    const parseCurl = (line: string, env: Record<string, string>) => {
      const words = parseShell(line.replaceAll('<orderId>', '$ORDER_ID'), env);
      const request: HttpRequest = { method: 'GET', path: '', headers: {} };
      let expected: number | undefined;
      for (let index = 1; index < words.length; index++) {
        const word = words[index];
        if (typeof word === 'object' && 'comment' in word)
          expected = Number(/^\s*(\d{3})/.exec(word.comment)?.[1]);
        if (typeof word !== 'string') continue;
        const next = String(words[index + 1]);
        if (word === '-X') request.method = next;
        else if (word === '-H') {
          const [name = '', ...value] = next.split(':');
          request.headers[name.trim()] = value.join(':').trim();
        } else if (word === '-d') {
          request.body = next;
          if (request.method === 'GET') request.method = 'POST';
        } else if (word.startsWith('http')) {
          expect(word.startsWith(LOCAL_API_URL)).toBe(true);
          request.path = word.slice(LOCAL_API_URL.length);
          continue;
        } else continue;
        index++;
      }
      return { request, expected };
    };

    it("uses the local stack's URL, and starts with a POST of the document's example", () => {
      const env = { KEY7: keyOf(7), KEY8: keyOf(8), ORDER_ID: '' };
      const { request } = parseCurl(curls[0] ?? '', env);

      expect(document.servers[0]?.url).toBe(LOCAL_API_URL);
      expect(request.method).toBe('POST');
      expect(JSON.parse(String(request.body))).toEqual(
        document.paths['/orders']?.post?.requestBody?.content['application/json'].examples.readme?.value,
      );
      expect(request.headers['Idempotency-Key']).toBe(document.components.parameters.IdempotencyKey?.example);
    });

    it('are answered as the README says (the status in its comment), each answer documented', async () => {
      const env: Record<string, string> = { KEY7: keyOf(7), KEY8: keyOf(8), ORDER_ID: '' };
      const outcomes: Array<{ line: string; status: number }> = [];
      for (const line of curls) {
        const { request } = parseCurl(line, env);
        const answer = await send(request);
        outcomes.push({ line, status: answer.status });
        // `<orderId>` in a later call is the orderId the last POST was answered with.
        if (request.method === 'POST') env.ORDER_ID = (answer.body as { orderId: string }).orderId;
      }

      // A call without a status in its comment is a POST of an order, answered 202.
      expect(outcomes).toEqual(curls.map((line) => ({ line, status: parseCurl(line, env).expected ?? 202 })));
      expect(curls.length).toBeGreaterThanOrEqual(3);
    });

    it('answers the same POST again as a replay, as the README says', async () => {
      const { request } = parseCurl(curls[0] ?? '', { KEY7: keyOf(7), KEY8: keyOf(8), ORDER_ID: '' });

      const first = await send(request);
      const again = await send(request);

      expect(again.status).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const { orderId, messageId } = first.body as { orderId: string; messageId: string };
      expect(again.body).toEqual(expect.objectContaining({ orderId, messageId }));
    });
  });

  describe(REQUESTS_PATH, () => {
    const text = readFileSync(join(REPO_ROOT, REQUESTS_PATH), 'utf8');
    const variables = Object.fromEntries(
      [...text.matchAll(/^@(\w+) = (.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
    );
    const fill = (value: string) =>
      value.replace(/\{\{(\w+)\}\}/g, (_all, name: string) => variables[name] ?? `{{${name}}}`);
    const calls = text
      .split(/^### /m)
      .slice(1)
      .map((block) => {
        const [title = '', requestLine = '', ...rest] = block.split('\n');
        const blank = rest.indexOf('');
        const headerLines = blank === -1 ? rest : rest.slice(0, blank);
        const body =
          blank === -1
            ? ''
            : rest
                .slice(blank + 1)
                .join('\n')
                .trim();
        const [method = '', url = ''] = fill(requestLine).split(' ');
        const request: HttpRequest = {
          method,
          path: url.slice(LOCAL_API_URL.length),
          headers: Object.fromEntries(
            headerLines
              .filter((line) => line.trim() !== '')
              .map((line) => {
                const [name = '', ...value] = line.split(':');
                return [name.trim(), fill(value.join(':').trim())];
              }),
          ),
          ...(body === '' ? {} : { body }),
        };
        return { title, expected: Number(/\(expect (\d{3})\)$/.exec(title)?.[1]), request, url };
      });

    it("uses the local stack's URL and seeded keys", () => {
      expect(variables.baseUrl).toBe(LOCAL_API_URL);
      expect(calls.length).toBeGreaterThan(5);
      for (const call of calls) expect(call.url.startsWith(LOCAL_API_URL)).toBe(true);
      for (const [name, value] of Object.entries(variables).filter(([name]) => name.startsWith('key'))) {
        expect(value).toBe(keyOf(Number(name.slice(3))));
      }
    });

    it('each call is answered with the status its title says, documented as answered', async () => {
      const statuses: Array<{ title: string; status: number }> = [];
      for (const call of calls) {
        // A call without a key never reaches a function: the authorizer denies it, API Gateway answers 403.
        const answer =
          call.request.headers['x-api-key'] === undefined
            ? await sendThrough(call.request, { handlers, authorize })
            : await send(call.request);
        statuses.push({ title: call.title, status: 'denied' in answer ? 403 : answer.status });
      }

      expect(statuses).toEqual(calls.map((call) => ({ title: call.title, status: call.expected })));
    });

    it("sends the README's order first, and only the document's examples where it expects a 2xx", () => {
      const examples = operations(document).flatMap(({ operation }) =>
        Object.values(operation.requestBody?.content['application/json'].examples ?? {}).map((example) =>
          JSON.stringify(example.value),
        ),
      );

      expect(JSON.parse(String(calls[0]?.request.body))).toEqual(ex.README_ORDER);
      for (const call of calls.filter((each) => each.expected < 300 && each.request.body !== undefined)) {
        expect(examples).toContain(JSON.stringify(JSON.parse(String(call.request.body))));
      }
    });
  });
});
