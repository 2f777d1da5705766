import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleApi } from '../local-stack/consoleApi';
import { buildConsolePage } from '../local-stack/consolePage';
import { type ConsoleServer, startConsoleServer } from '../local-stack/consoleServer';
import { type Answer, bearer, call, TOKEN } from './consoleHttp';

/** An API that records what it was asked, so a test can tell that a refused request reached nothing. */
const recordingApi = () => {
  const calls: string[] = [];
  const api: ConsoleApi = {
    pipeline: async () => {
      calls.push('pipeline');
      return {
        status: 'up',
        startedAt: '2026-11-26T00:00:00.000Z',
        apiBaseUrl: 'http://127.0.0.1:3101/local',
        queues: [],
        orders: { total: 0, byStatus: {} },
        deadLetters: { total: 0, byClass: {}, byStatus: {} },
        services: {},
        at: '2026-11-26T00:00:01.000Z',
      };
    },
    deadLetters: async () => {
      calls.push('deadLetters');
      return [];
    },
    showDeadLetter: async (messageId) => {
      calls.push(`show ${messageId}`);
      return { command: 'pnpm dlq show', exitCode: 0, lines: [] };
    },
    redrive: async ({ messageIds, dryRun }) => {
      calls.push(`redrive ${messageIds.join(',')}${dryRun ? ' dry' : ''}`);
      return { command: 'pnpm dlq redrive', exitCode: 0, lines: [] };
    },
    order: async (storeId, orderId) => {
      calls.push(`order ${storeId} ${orderId}`);
      return { storeId, orderId, traces: [] };
    },
  };
  return { api, calls };
};

describe('the console server', () => {
  let server: ConsoleServer;
  let dir: string;
  let openapiFile: string;
  let calls: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-server-'));
    openapiFile = join(dir, 'openapi.json');
    const recording = recordingApi();
    calls = recording.calls;
    server = await startConsoleServer({
      port: 0,
      token: TOKEN,
      api: recording.api,
      page: await buildConsolePage(),
      openapiFile,
    });
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const accessControlHeaders = (answer: Answer) =>
    Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));

  it('serves the page, its script and its style, with a strict content security policy', async () => {
    const [page, script, style] = await Promise.all([
      call(server.port, '/'),
      call(server.port, '/app.js'),
      call(server.port, '/style.css'),
    ]);

    expect([page.status, script.status, style.status]).toEqual([200, 200, 200]);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<main id="main"');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.text).toContain('/api/');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('gives its address on 127.0.0.1 with the token in the fragment', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${TOKEN}`);
  });

  it('refuses every API call without the token, or with another one, and reads nothing', async () => {
    const answers = await Promise.all([
      call(server.port, '/api/pipeline'),
      call(server.port, '/api/pipeline', { headers: bearer('another-token-0123456789abcdefgh') }),
      call(server.port, '/api/dead-letters', { headers: { authorization: TOKEN } }),
      call(server.port, '/api/redrive', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messageIds: ['m-1'] }),
      }),
    ]);

    expect(answers.map((answer) => [answer.status, answer.json().code])).toEqual([
      [401, 'unauthorized'],
      [401, 'unauthorized'],
      [401, 'unauthorized'],
      [401, 'unauthorized'],
    ]);
    expect(calls).toEqual([]);
  });

  it('answers an API call that carries the token', async () => {
    const answer = await call(server.port, '/api/pipeline', { headers: bearer() });

    expect(answer.status).toBe(200);
    expect(answer.json().status).toBe('up');
    expect(calls).toEqual(['pipeline']);
  });

  it('refuses a request for another host name, token or not (DNS rebinding)', async () => {
    const answers = await Promise.all([
      call(server.port, '/', { headers: { host: `rebound.example:${server.port}` } }),
      call(server.port, '/api/pipeline', {
        headers: { host: `rebound.example:${server.port}`, ...bearer() },
      }),
      call(server.port, '/api/pipeline', { headers: { host: '127.0.0.1:1', ...bearer() } }),
    ]);

    expect(answers.map((answer) => [answer.status, answer.json().code])).toEqual([
      [403, 'forbidden-host'],
      [403, 'forbidden-host'],
      [403, 'forbidden-host'],
    ]);
    expect(calls).toEqual([]);
  });

  it('serves localhost as well as 127.0.0.1', async () => {
    const answer = await call(server.port, '/api/pipeline', {
      headers: { host: `localhost:${server.port}`, origin: `http://localhost:${server.port}`, ...bearer() },
    });

    expect(answer.status).toBe(200);
  });

  it("refuses another origin's request, and a cross-site one", async () => {
    const answers = await Promise.all([
      call(server.port, '/api/pipeline', { headers: { origin: 'https://evil.example', ...bearer() } }),
      call(server.port, '/api/redrive', {
        method: 'POST',
        headers: { origin: 'null', 'content-type': 'application/json', ...bearer() },
        body: JSON.stringify({ messageIds: ['m-1'] }),
      }),
      call(server.port, '/api/pipeline', { headers: { 'sec-fetch-site': 'cross-site', ...bearer() } }),
    ]);

    expect(answers.map((answer) => [answer.status, answer.json().code])).toEqual([
      [403, 'forbidden-origin'],
      [403, 'forbidden-origin'],
      [403, 'forbidden-origin'],
    ]);
    expect(calls).toEqual([]);
  });

  it('sends no CORS header on any answer, a preflight included', async () => {
    const answers = await Promise.all([
      call(server.port, '/'),
      call(server.port, '/api/pipeline', { headers: bearer() }),
      call(server.port, '/api/pipeline'),
      call(server.port, '/api/redrive', {
        method: 'OPTIONS',
        headers: {
          origin: `http://127.0.0.1:${server.port}`,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      }),
    ]);

    expect(answers.flatMap(accessControlHeaders)).toEqual([]);
    expect(answers[3]?.status).toBe(401);
  });

  it('serves the OpenAPI document as the file holds it at each request', async () => {
    await writeFile(openapiFile, '{"openapi":"3.1.0","info":{"title":"first"}}');
    const first = await call(server.port, '/openapi.json');
    await writeFile(openapiFile, '{"openapi":"3.1.0","info":{"title":"second"}}');
    const second = await call(server.port, '/openapi.json');

    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.json()).toEqual({ openapi: '3.1.0', info: { title: 'first' } });
    expect(second.json()).toEqual({ openapi: '3.1.0', info: { title: 'second' } });
  });

  it('answers a clear 404 when there is no OpenAPI document', async () => {
    await rm(openapiFile, { force: true });

    const answer = await call(server.port, '/openapi.json');

    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({
      code: 'openapi-missing',
      message: expect.stringContaining('docs/openapi.json'),
    });
  });

  it('passes a redrive selection and its dry run on to the redrive', async () => {
    const answer = await call(server.port, '/api/redrive', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: JSON.stringify({ messageIds: ['m-1', 'm-2'], dryRun: true }),
    });

    expect(answer.status).toBe(200);
    expect(calls).toEqual(['redrive m-1,m-2 dry']);
  });

  it('refuses a redrive request that names no dead letter, or is not JSON, before anything runs', async () => {
    const post = (body: string, type = 'application/json') =>
      call(server.port, '/api/redrive', {
        method: 'POST',
        headers: { 'content-type': type, ...bearer() },
        body,
      });

    const answers = await Promise.all([
      post(JSON.stringify({ messageIds: [] })),
      post(JSON.stringify({ messageIds: [''] })),
      post(JSON.stringify({ messageIds: ['m-1'], dryRun: 'yes' })),
      post(JSON.stringify({ messageIds: Array.from({ length: 101 }, (_, i) => `m-${i}`) })),
      post('{not json'),
      post('messageIds=m-1', 'application/x-www-form-urlencoded'),
    ]);

    expect(answers.map((answer) => [answer.status, answer.json().code])).toEqual([
      [400, 'invalid-selection'],
      [400, 'invalid-selection'],
      [400, 'invalid-selection'],
      [400, 'invalid-selection'],
      [400, 'invalid-json'],
      [415, 'unsupported-media-type'],
    ]);
    expect(calls).toEqual([]);
  });

  it('routes a dead letter and an order by their ids, percent-decoded', async () => {
    const [shown, order, badStore] = await Promise.all([
      call(server.port, '/api/dead-letters/m%2F1', { headers: bearer() }),
      call(server.port, '/api/orders/7/ord%201', { headers: bearer() }),
      call(server.port, '/api/orders/seven/ord-1', { headers: bearer() }),
    ]);

    expect(shown.status).toBe(200);
    // No stored order and no trace: 404, with the same body shape.
    expect(order.status).toBe(404);
    expect(badStore.json().code).toBe('invalid-store-id');
    expect(calls.sort()).toEqual(['order 7 ord 1', 'show m/1']);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const answers = await Promise.all([
      call(server.port, '/nothing-here'),
      call(server.port, '/api/nothing', { headers: bearer() }),
    ]);

    expect(answers.map((answer) => [answer.status, answer.json().code])).toEqual([
      [404, 'not-found'],
      [404, 'not-found'],
    ]);
  });
});
