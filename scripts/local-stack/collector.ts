import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startXrayDaemon, type XrayDaemon } from '@order-pipeline/local-aws';
import { otlpJsonToDocuments } from './otlp';

/**
 * A stand-in for the X-Ray daemon and an OTLP/HTTP trace receiver: receives segment documents over UDP
 * (startXrayDaemon of @order-pipeline/local-aws, which the tests use too) and OpenTelemetry spans as
 * OTLP/HTTP JSON, and appends each as a segment document to a JSON Lines file.
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
  // One append stream for the collector's life: opening, appending and closing the file for every
  // segment cost the data-plane process a share of its CPU under load. The stream keeps the lines
  // in order, and close() waits for the last one.
  let traces: WriteStream | undefined;
  let rejected = 0;
  const store = (documents: readonly Record<string, unknown>[]) => {
    if (documents.length === 0) return;
    traces?.write(documents.map((document) => `${JSON.stringify(document)}\n`).join(''));
  };
  const xray: XrayDaemon = await startXrayDaemon((document) => store([document]), { port, host });
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
    await xray.close();
    throw error;
  }
  const otlpBound = (server.address() as AddressInfo).port;
  traces = createWriteStream(file, { flags: 'a' });
  // A failed write loses trace lines, never the stack (as the chained appends did before).
  traces.on('error', () => undefined);
  return {
    address: xray.address,
    port: xray.port,
    otlpUrl: `http://${host}:${otlpBound}/v1/traces`,
    get rejected() {
      return xray.rejected + rejected;
    },
    close: async () => {
      await xray.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => (traces ? traces.end(resolve) : resolve()));
    },
  };
};
