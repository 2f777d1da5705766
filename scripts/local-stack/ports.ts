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
  ingestLambda: number;
  consumerHttp: number;
  consumerLambda: number;
  dlqHttp: number;
  dlqLambda: number;
}

export const DEFAULT_PORTS: StackPorts = {
  sqs: 9324,
  dynamo: 8000,
  xray: 2000,
  otlp: 4318,
  ingestHttp: 3101,
  ingestLambda: 3111,
  consumerHttp: 3102,
  consumerLambda: 3112,
  dlqHttp: 3103,
  dlqLambda: 3113,
};

const tcpPortFree = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });

/** Throws naming every busy TCP port, so the stack never half-starts. */
export const assertPortsFree = async (ports: StackPorts, host = '127.0.0.1'): Promise<void> => {
  const tcp = Object.entries(ports).filter(([name]) => name !== 'xray');
  const busy: string[] = [];
  for (const [name, port] of tcp) {
    if (!(await tcpPortFree(port, host))) busy.push(`${name} (${host}:${port})`);
  }
  if (busy.length > 0) {
    throw new Error(
      `ports already in use: ${busy.join(', ')}. Is another stack running? Stop it, or pick other ports.`,
    );
  }
};

/** Distinct free ports chosen by the OS, for tests that run a stack beside a developer's. */
export const freePorts = async (): Promise<StackPorts> => {
  const servers = Object.keys(DEFAULT_PORTS).map(() => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve) =>
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
        ),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return Object.fromEntries(
    Object.keys(DEFAULT_PORTS).map((name, i) => [name, ports[i]]),
  ) as unknown as StackPorts;
};
