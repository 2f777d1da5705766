import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

// A stand-in for the X-Ray daemon's UDP side, beside the embedded SQS and DynamoDB: the local stack's
// trace collector (scripts/local-stack/collector.ts) appends what it receives to the traces file, and
// the tests that check what the X-Ray SDK emits keep it in memory (collectSegments).
// https://docs.aws.amazon.com/xray/latest/devguide/xray-api-sendingdata.html#xray-api-daemon

/**
 * A segment document as the X-Ray SDK sends it: the fields the tests read, the rest as sent.
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html
 */
export interface SegmentDocument {
  [field: string]: unknown;
  id: string;
  trace_id: string;
  name: string;
  parent_id?: string;
  fault?: boolean;
  annotations?: Record<string, unknown>;
  subsegments?: Array<{ name: string; aws?: { operation?: string } }>;
}

/** A datagram is a header line (`{"format":"json","version":1}`) and one segment document. */
export const parseDatagram = (datagram: string): SegmentDocument | undefined => {
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
    return document as SegmentDocument;
  } catch {
    return undefined;
  }
};

export interface XrayDaemon {
  /** `host:port`, as AWS_XRAY_DAEMON_ADDRESS and setDaemonAddress take it. */
  readonly address: string;
  readonly port: number;
  /** Datagrams that were not segment documents, for diagnostics. */
  readonly rejected: number;
  close(): Promise<void>;
}

/** Receives segment documents on UDP `host:port` (0: a free port) and hands each to `onDocument`. */
export const startXrayDaemon = async (
  onDocument: (document: SegmentDocument) => void,
  { port = 0, host = '127.0.0.1' }: { port?: number; host?: string } = {},
): Promise<XrayDaemon> => {
  const socket = createSocket('udp4');
  let rejected = 0;
  socket.on('message', (message) => {
    const document = parseDatagram(message.toString('utf8'));
    if (document === undefined) rejected++;
    else onDocument(document);
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
  return {
    address: `${host}:${bound}`,
    port: bound,
    get rejected() {
      return rejected;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
};

export interface SegmentCollector extends XrayDaemon {
  /** Every segment received so far, in arrival order. */
  readonly segments: SegmentDocument[];
  /** The first segment that matches, received already or within `timeoutMs` (default 2 s). */
  segment(
    matches: (segment: SegmentDocument) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<SegmentDocument>;
}

/** An X-Ray daemon on a free port that keeps the segments in memory, for tests. */
export const collectSegments = async (): Promise<SegmentCollector> => {
  const segments: SegmentDocument[] = [];
  const waiting = new Set<(segment: SegmentDocument) => void>();
  const daemon = await startXrayDaemon((document) => {
    segments.push(document);
    for (const notify of [...waiting]) notify(document);
  });
  const segment = (
    matches: (segment: SegmentDocument) => boolean,
    what: string,
    timeoutMs = 2_000,
  ): Promise<SegmentDocument> => {
    const found = segments.find(matches);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<SegmentDocument>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(notify);
        reject(new Error(`${what} never reached the X-Ray daemon within ${timeoutMs} ms`));
      }, timeoutMs);
      const notify = (arrived: SegmentDocument) => {
        if (!matches(arrived)) return;
        clearTimeout(timer);
        waiting.delete(notify);
        resolve(arrived);
      };
      waiting.add(notify);
    });
  };
  return Object.assign(daemon, { segments, segment });
};
