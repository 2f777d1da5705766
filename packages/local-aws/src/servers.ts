import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createRequestHandler } from 'local-aws-sqs';
import type { SqsService } from 'local-aws-sqs/dist/lib/sqsService';

export const LOCAL_REGION = 'eu-west-1';
/** serverless-offline-sqs builds queue ARNs with this account id. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_HOST = '127.0.0.1';

export interface RunningServer {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The embedded SQS, with the emulator's service object (its queues) for snapshots. */
export interface RunningSqs extends RunningServer {
  readonly service: SqsService;
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
export const startSqs = async (port = 0): Promise<RunningSqs> => {
  // The request handler rather than createSqsServer: it gives the service (the queues) and a
  // server whose listen errors (a busy port) reach us.
  const { service, requestHandler } = createRequestHandler({
    port,
    hostname: LOCAL_HOST,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    emulateQueueCreationLifecycle: false,
  });
  const server = createServer((request, response) => void requestHandler(request, response));
  await listenOrFail(server, port, 'embedded SQS');
  const bound = running(server);
  // Queue URLs carry the port; with port 0 the emulator only learns it now.
  service.PORT = bound.port;
  return { ...bound, service };
};

/**
 * The embedded DynamoDB; tables are ACTIVE as soon as they are created. With `path`, dynalite
 * keeps its LevelDB store there (classic-level's prebuilt binary), so tables survive a restart.
 */
export const startDynamo = async (port = 0, path?: string): Promise<RunningServer> => {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  });
  await listenOrFail(server, port, 'embedded DynamoDB');
  return running(server);
};
