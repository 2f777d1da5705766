import { createSocket } from 'node:dgram';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { otlpJsonToDocuments } from './otlp';

/**
 * A stand-in for the X-Ray daemon and an OTLP/HTTP trace receiver: receives segment documents over UDP
 * and OpenTelemetry spans as OTLP/HTTP JSON, and appends each as a segment document to a JSON Lines
 * file. A datagram is a header line (`{"format":"json","version":1}`) and one document.
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-daemon
 */
export interface Collector {
  readonly address: string;
  readonly port: number;
  /** OTLP/HTTP traces URL (`http://127.0.0.1:<port>/v1/traces`). */
  readonly otlpUrl: string;
  /** Datagrams that were not segment documents, for diagnostics. */
  readonly rejected: number;
  close(): Promise<void>;
}

export const parseDatagram = (datagram: string): Record<string, unknown> | undefined => {
  const newline = datagram.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(datagram.slice(0, newline)) as { format?: string };
    if (header.format !== 'json') return undefined;
    const document = JSON.parse(datagram.slice(newline + 1)) as unknown;
    if (
      typeof document !== 'object' ||
      document === null ||
      !('trace_id' in document) ||
      !('id' in document)
    ) {
      return undefined;
    }
    return document as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

const MAX_OTLP_BODY = 5 * 1024 * 1024;

const answer = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const readBody = (request: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OTLP_BODY) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size <= MAX_OTLP_BODY ? Buffer.concat(chunks).toString('utf8') : undefined),
    );
    request.on('error', reject);
  });

/**
 * POST /v1/traces with OTLP/HTTP JSON. Protobuf is answered 415: decoding it needs the OTLP proto
 * definitions, which no small library ships (@opentelemetry/otlp-transformer only encodes requests);
 * the local stack tells the services to send JSON (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json).
 */
const otlpHandler =
  (store: (documents: readonly Record<string, unknown>[]) => void, reject: () => void) =>
  async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/traces') {
      answer(response, 404, { error: 'POST /v1/traces only' });
      return;
    }
    const type = request.headers['content-type']?.split(';')[0]?.trim();
    if (type !== 'application/json') {
      request.resume();
      reject();
      answer(response, 415, {
        error: `OTLP ${type ?? 'without content-type'} is not accepted: send application/json (http/json)`,
      });
      return;
    }
    const body = await readBody(request);
    let parsed: unknown;
    try {
      parsed = body === undefined ? undefined : JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      reject();
      answer(response, 400, { error: 'not an OTLP JSON ExportTraceServiceRequest' });
      return;
    }
    store(otlpJsonToDocuments(parsed) as unknown as Record<string, unknown>[]);
    // An empty ExportTraceServiceResponse: everything accepted.
    answer(response, 200, {});
  };

export const startCollector = async (
  file: string,
  port = 2000,
  host = '127.0.0.1',
  otlpPort = 4318,
): Promise<Collector> => {
  const socket = createSocket('udp4');
  let rejected = 0;
  // One append stream for the collector's life: opening, appending and closing the file for every
  // segment cost the data-plane process a share of its CPU under load. The stream keeps the lines
  // in order, and close() waits for the last one.
  let traces: WriteStream | undefined;
  const store = (documents: readonly Record<string, unknown>[]) => {
    if (documents.length === 0) return;
    traces?.write(documents.map((document) => `${JSON.stringify(document)}\n`).join(''));
  };
  socket.on('message', (message) => {
    const document = parseDatagram(message.toString('utf8'));
    if (document === undefined) {
      rejected++;
      return;
    }
    store([document]);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`X-Ray collector: UDP port ${port} on ${host} is already in use`, { cause: error })
          : error,
      ),
    );
    socket.bind(port, host, () => resolve());
  });
  const bound = (socket.address() as AddressInfo).port;
  const handle = otlpHandler(store, () => {
    rejected++;
  });
  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => answer(response, 500, { error: 'collector failure' }));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new Error(`OTLP collector: TCP port ${otlpPort} on ${host} is already in use`, { cause: error })
            : error,
        ),
      );
      server.listen(otlpPort, host, () => resolve());
    });
  } catch (error) {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    throw error;
  }
  const otlpBound = (server.address() as AddressInfo).port;
  traces = createWriteStream(file, { flags: 'a' });
  // A failed write loses trace lines, never the stack (as the chained appends did before).
  traces.on('error', () => undefined);
  return {
    address: `${host}:${bound}`,
    port: bound,
    otlpUrl: `http://${host}:${otlpBound}/v1/traces`,
    get rejected() {
      return rejected;
    },
    close: async () => {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => (traces ? traces.end(resolve) : resolve()));
    },
  };
};
