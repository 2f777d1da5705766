import { createSocket } from 'node:dgram';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the X-Ray daemon: receives segment documents over UDP and appends each to a JSON
 * Lines file. A datagram is a header line (`{"format":"json","version":1}`) and one document.
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-daemon
 */
export interface Collector {
  readonly address: string;
  readonly port: number;
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

export const startCollector = async (file: string, port = 2000, host = '127.0.0.1'): Promise<Collector> => {
  const socket = createSocket('udp4');
  let rejected = 0;
  // One append stream for the collector's life: opening, appending and closing the file for every
  // segment cost the data-plane process a share of its CPU under load. The stream keeps the lines
  // in order, and close() waits for the last one.
  let traces: WriteStream | undefined;
  socket.on('message', (message) => {
    const document = parseDatagram(message.toString('utf8'));
    if (document === undefined) {
      rejected++;
      return;
    }
    traces?.write(`${JSON.stringify(document)}\n`);
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
  traces = createWriteStream(file, { flags: 'a' });
  // A failed write loses trace lines, never the stack (as the chained appends did before).
  traces.on('error', () => undefined);
  return {
    address: `${host}:${bound}`,
    port: bound,
    get rejected() {
      return rejected;
    },
    close: async () => {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await new Promise<void>((resolve) => (traces ? traces.end(resolve) : resolve()));
    },
  };
};
