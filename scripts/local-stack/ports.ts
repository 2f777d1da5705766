import { createServer } from 'node:net';

/** The ports the stack listens on (all on 127.0.0.1). */
export interface StackPorts {
  sqs: number;
  dynamo: number;
  /** UDP: the X-Ray collector. */
  xray: number;
  /** TCP: the collector's OTLP/HTTP receiver (the OpenTelemetry backend). */
  otlp: number;
  ingestHttp: number;
  /**
   * serverless-offline's httpPort of the two services without HTTP events: required by its
   * configuration, never bound (so never checked or listed), distinct so nothing could collide.
   */
  consumerHttp: number;
  dlqHttp: number;
  /** TCP: the console page and its API (scripts/local-stack/consoleServer.ts). */
  console: number;
}

export const DEFAULT_PORTS: StackPorts = {
  sqs: 9324,
  dynamo: 8000,
  xray: 2000,
  otlp: 4318,
  ingestHttp: 3101,
  consumerHttp: 3102,
  dlqHttp: 3103,
  // Appended last: a base port N keeps every earlier part where it was (the console is N+7).
  console: 3104,
};

/** The environment variable that moves every port of the stack (and the tools' stack file). */
import { BASE_PORT_ENV } from '@order-pipeline/local-aws/stack-file';

export { BASE_PORT_ENV };

const LAYOUT = Object.keys(DEFAULT_PORTS) as Array<keyof StackPorts>;
/** A base port N puts the stack on N..N+PORT_SPAN-1, in the order of DEFAULT_PORTS. */
export const PORT_SPAN = LAYOUT.length;

export const portsFromBase = (base: number): StackPorts =>
  Object.fromEntries(LAYOUT.map((name, index) => [name, base + index])) as unknown as StackPorts;

/** Parses a base port (option or environment variable); throws a message fit for a usage error. */
export const parseBasePort = (raw: string, source: string): number => {
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1024 || base + PORT_SPAN - 1 > 65535) {
    throw new Error(`${source} must be an integer from 1024 to ${65536 - PORT_SPAN}, got "${raw}"`);
  }
  return base;
};

/** The ports that are bound while the stack runs, with what binds them (for --help and checks). */
export const boundPorts = (
  ports: StackPorts,
): Array<{ name: string; port: number; protocol: 'tcp' | 'udp' }> => [
  { name: 'SQS', port: ports.sqs, protocol: 'tcp' },
  { name: 'DynamoDB', port: ports.dynamo, protocol: 'tcp' },
  { name: 'X-Ray collector', port: ports.xray, protocol: 'udp' },
  { name: 'OTLP/HTTP collector', port: ports.otlp, protocol: 'tcp' },
  { name: 'ingest-api HTTP', port: ports.ingestHttp, protocol: 'tcp' },
  { name: 'console', port: ports.console, protocol: 'tcp' },
];

export const describePorts = (ports: StackPorts): string =>
  boundPorts(ports)
    .map(({ name, port, protocol }) => `${name} ${port}${protocol === 'udp' ? '/udp' : ''}`)
    .join(', ');

export const tcpPortFree = (port: number, host = '127.0.0.1'): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });

/** Throws naming every busy TCP port, so the stack never half-starts. */
export const assertPortsFree = async (ports: StackPorts, host = '127.0.0.1'): Promise<void> => {
  const busy: string[] = [];
  for (const { name, port, protocol } of boundPorts(ports)) {
    if (protocol === 'tcp' && !(await tcpPortFree(port, host))) busy.push(`${name} (${host}:${port})`);
  }
  if (busy.length > 0) {
    throw new Error(
      `ports already in use: ${busy.join(', ')}. Is another stack running? Stop it (pnpm stop), or pick other ports with --base-port N (or ${BASE_PORT_ENV}=N).`,
    );
  }
};

/** Distinct free ports chosen by the OS, for tests that run a stack beside a developer's. */
export const freePorts = async (): Promise<StackPorts> => {
  const servers = LAYOUT.map(() => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve) =>
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
        ),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return Object.fromEntries(LAYOUT.map((name, i) => [name, ports[i]])) as unknown as StackPorts;
};

/** A base port whose whole span is free (TCP), for tests that start the stack as a program. */
export const freeBasePort = async (): Promise<number> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(LAYOUT.map((_, index) => tcpPortFree(base + index)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free span of ports found for a test stack');
};
