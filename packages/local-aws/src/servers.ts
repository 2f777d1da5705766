import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';

export const LOCAL_REGION = 'eu-west-1';
/** serverless-offline-sqs builds queue ARNs with this account id. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_HOST = '127.0.0.1';

export interface RunningServer {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve, reject) => {
    server.closeAllConnections?.();
    server.close((error) => (error ? reject(error) : resolve()));
  });

const running = (server: Server): RunningServer => {
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://${LOCAL_HOST}:${port}`, port, close: () => closeServer(server) };
};

const listenOrFail = (server: Server, port: number, what: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`${what}: port ${port} on ${LOCAL_HOST} is already in use`, { cause: error })
          : error,
      );
    server.once('error', onError);
    server.listen(port, LOCAL_HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });

/** The embedded SQS (both protocols). Port 0 picks a free one. */
export const startSqs = async (port = 0): Promise<RunningServer> => {
  if (port !== 0) {
    // createSqsServer never rejects on a busy port: probe it first for a clear error.
    const { createServer } = await import('node:http');
    const probe = createServer();
    await listenOrFail(probe, port, 'embedded SQS');
    await closeServer(probe);
  }
  const server = await createSqsServer({
    port,
    hostname: LOCAL_HOST,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    emulateQueueCreationLifecycle: false,
  });
  return running(server);
};

/** The embedded DynamoDB, in memory; tables are ACTIVE as soon as they are created. */
export const startDynamo = async (port = 0): Promise<RunningServer> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listenOrFail(server, port, 'embedded DynamoDB');
  return running(server);
};
