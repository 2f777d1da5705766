// The local console's HTTP server: the page, its API and the OpenAPI document, on 127.0.0.1 only.
// What it shows comes from ConsoleApi (consoleApi.ts); this file only guards and routes.
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { maskText, toError } from '@order-pipeline/common';
import type { ConsoleApi } from './consoleApi';
import type { ConsolePage } from './consolePage';

export interface ConsoleServerOptions {
  port: number;
  /** Required by every /api/ call (`Authorization: Bearer <token>`). */
  token: string;
  api: ConsoleApi;
  page: ConsolePage;
  /** Served at GET /openapi.json, read at every request (it is regenerated while the stack runs). */
  openapiFile: string;
  /** Unexpected failures (a bug, an unreachable table): logged by the stack, answered as a 500. */
  onError?: (error: Error) => void;
}

export interface ConsoleServer {
  /** The page's address, the token in the fragment (never sent to a server, kept out of logs). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
/** A redrive from the page names at most this many dead letters (`pnpm dlq redrive` takes a list too). */
export const MAX_REDRIVE_SELECTION = 100;

/**
 * Headers on every answer. No Access-Control-* header is ever sent: another origin's page cannot
 * read an answer. The page loads only its own script and style, and cannot be framed.
 */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
} as const;

/** The project's error shape (as ingest-api answers): `{ code, message }`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
  response.end(body);
};

const sendJson = (response: ServerResponse, status: number, value: unknown) =>
  send(response, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);

/**
 * DNS rebinding: a page of another site that resolves its own name to 127.0.0.1 reaches this port
 * with its own name in Host. Only the loopback names are served.
 * https://developer.mozilla.org/en-US/docs/Web/Security/Attacks/DNS_rebinding
 */
const checkOrigin = (request: IncomingMessage, port: number): void => {
  const allowed = [`${HOST}:${port}`, `localhost:${port}`];
  if (!allowed.includes(request.headers.host ?? '')) {
    throw new HttpError(403, 'forbidden-host', 'the console answers only to 127.0.0.1 or localhost');
  }
  const { origin } = request.headers;
  if (origin !== undefined && !allowed.some((host) => origin === `http://${host}`)) {
    throw new HttpError(403, 'forbidden-origin', 'the console answers only its own pages');
  }
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    throw new HttpError(403, 'forbidden-origin', 'the console answers only its own pages');
  }
};

const checkToken = (request: IncomingMessage, token: string): void => {
  const given = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const expected = Buffer.from(token);
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new HttpError(
      401,
      'unauthorized',
      'the console API needs the token pnpm start printed (Authorization: Bearer <token>)',
    );
  }
};

const readJsonBody = async (request: IncomingMessage): Promise<unknown> => {
  if (!/^application\/json(;|$)/.test(request.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'unsupported-media-type', 'send the body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'payload-too-large', 'the body is too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid-json', 'the body is not JSON');
  }
};

/** `{ messageIds: string[], dryRun?: boolean }`, checked before anything runs. */
export const parseRedriveRequest = (body: unknown): { messageIds: string[]; dryRun: boolean } => {
  const { messageIds, dryRun } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (
    !Array.isArray(messageIds) ||
    messageIds.length === 0 ||
    messageIds.length > MAX_REDRIVE_SELECTION ||
    !messageIds.every((id) => typeof id === 'string' && id.trim() !== '' && id.length <= 256)
  ) {
    throw new HttpError(
      400,
      'invalid-selection',
      `messageIds must list 1 to ${MAX_REDRIVE_SELECTION} dead letters' message ids`,
    );
  }
  if (dryRun !== undefined && typeof dryRun !== 'boolean') {
    throw new HttpError(400, 'invalid-selection', 'dryRun must be true or false');
  }
  return { messageIds: messageIds as string[], dryRun: dryRun === true };
};

const storeIdOf = (raw: string): number => {
  if (!/^[1-9]\d{0,8}$/.test(raw))
    throw new HttpError(400, 'invalid-store-id', 'the store id is a positive integer');
  return Number(raw);
};

const decoded = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'invalid-path', 'the path is not valid percent-encoding');
  }
};

const serveOpenApi = async (response: ServerResponse, file: string) => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new HttpError(
      404,
      'openapi-missing',
      `${file} does not exist: the OpenAPI document is generated into docs/openapi.json`,
    );
  }
  send(response, 200, 'application/json; charset=utf-8', text);
};

const route = async (
  request: IncomingMessage,
  response: ServerResponse,
  options: ConsoleServerOptions,
  port: number,
): Promise<void> => {
  checkOrigin(request, port);
  const url = new URL(request.url ?? '/', `http://${HOST}:${port}`);
  const { pathname } = url;
  const method = request.method ?? 'GET';
  const { page, api } = options;

  if (!pathname.startsWith('/api/')) {
    if (method !== 'GET' && method !== 'HEAD')
      throw new HttpError(405, 'method-not-allowed', `${method} is not served`);
    if (pathname === '/' || pathname === '/index.html')
      return send(response, 200, 'text/html; charset=utf-8', page.html);
    if (pathname === '/app.js') return send(response, 200, 'text/javascript; charset=utf-8', page.js);
    if (pathname === '/style.css') return send(response, 200, 'text/css; charset=utf-8', page.css);
    if (pathname === '/openapi.json') return serveOpenApi(response, options.openapiFile);
    // Browsers ask for it on their own; an answer keeps a 404 out of the page's console.
    if (pathname === '/favicon.ico') return send(response, 204, 'image/x-icon', '');
    throw new HttpError(404, 'not-found', `no page at ${pathname}`);
  }

  checkToken(request, options.token);
  const parts = pathname.split('/').slice(2).map(decoded);
  const [resource, ...rest] = parts;
  if (method === 'GET' && resource === 'pipeline' && rest.length === 0) {
    return sendJson(response, 200, await api.pipeline());
  }
  if (method === 'GET' && resource === 'dead-letters' && rest.length === 0) {
    return sendJson(response, 200, await api.deadLetters());
  }
  if (method === 'GET' && resource === 'dead-letters' && rest.length === 1 && rest[0]) {
    return sendJson(response, 200, await api.showDeadLetter(rest[0]));
  }
  if (method === 'POST' && resource === 'redrive' && rest.length === 0) {
    return sendJson(response, 200, await api.redrive(parseRedriveRequest(await readJsonBody(request))));
  }
  if (method === 'GET' && resource === 'orders' && rest.length === 2 && rest[1]) {
    const view = await api.order(storeIdOf(rest[0] ?? ''), rest[1]);
    return sendJson(response, view.order === undefined && view.traces.length === 0 ? 404 : 200, view);
  }
  throw new HttpError(404, 'not-found', `no API ${method} ${pathname}`);
};

/** Starts the console on 127.0.0.1:`port`; rejects when the port is taken. */
export const startConsoleServer = async (options: ConsoleServerOptions): Promise<ConsoleServer> => {
  let port = options.port;
  const server = createServer((request, response) => {
    route(request, response, options, port).catch((caught: unknown) => {
      const error = toError(caught);
      if (error instanceof HttpError) {
        return sendJson(response, error.status, { code: error.code, message: error.message });
      }
      options.onError?.(error);
      sendJson(response, 500, { code: 'internal-error', message: maskText(error.message) });
    });
  });
  // A client that hangs up or sends garbage must never take the stack's process down.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.onError?.(error));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/#token=${options.token}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
