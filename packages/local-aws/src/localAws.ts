import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type ProvisionedQueue, provisionQueues, provisionTables } from './provision';
import { type LocalStore, seedStores } from './seedStores';
import { LOCAL_REGION, type RunningServer, startDynamo, startSqs } from './servers';
import { type CfnResource, loadServiceConfig, type ServiceName } from './serviceConfig';
import {
  oldestSentTimestamps,
  persistSqs,
  readSqsSnapshot,
  restoreSqs,
  type SqsPersistence,
} from './sqsState';
import { LOCAL_CREDENTIALS } from './stackFile';

export interface LocalAws {
  readonly sqsEndpoint: string;
  readonly dynamoEndpoint: string;
  /** Queues by CloudFormation logical id (`OrdersQueue`, `OrdersDeadLetterQueue`). */
  readonly queues: Record<string, ProvisionedQueue>;
  /** Table names by logical id (`OrdersTable`, `DeadLettersTable`). */
  readonly tables: Record<string, string>;
  /** The seeded stores of the registry (empty when there is no StoresTable or seeding is off). */
  readonly stores: LocalStore[];
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBClient;
  /** Environment that points AWS SDK clients at the embedded services. */
  readonly env: Record<string, string>;
  /** Messages put back from the state directory's snapshot at start. */
  readonly restoredMessages: number;
  /** Each queue's oldest message's SentTimestamp (epoch ms) by queue name; null when it is empty. */
  oldestSentTimestamps(): Record<string, number | null>;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  /** Services whose CloudFormation resources are created; order-consumer's first (it owns the queues). */
  services?: readonly ServiceName[];
  stage?: string;
  sqsPort?: number;
  dynamoPort?: number;
  /** Resources to create instead of reading the services' (e.g. a test's own). */
  resources?: Record<string, CfnResource>;
  /**
   * Where queues and tables persist (`sqs.json`, `dynamodb/`); in memory when absent. Messages of
   * a previous run are put back into the queues that still exist; tables are kept.
   */
  stateDir?: string;
  /** How often the queues are snapshotted (ms); a hard kill loses at most this much. */
  snapshotIntervalMs?: number;
  /** Seed the stores registry with the local stores (default true); a test that owns the table says false. */
  seedStores?: boolean;
}

/** Where the embedded services keep their state inside a state directory. */
export const statePaths = (stateDir: string) => ({
  sqsSnapshot: join(stateDir, 'sqs.json'),
  dynamoDir: join(stateDir, 'dynamodb'),
});

export const clientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});

/**
 * Starts the embedded SQS and DynamoDB on 127.0.0.1 and creates the services' queues (DLQ first)
 * and tables from their own CloudFormation resources, so no second copy of their settings exists.
 */
export const startLocalAws = async (options: LocalAwsOptions = {}): Promise<LocalAws> => {
  const services = options.services ?? ['order-consumer'];
  const configs = options.resources
    ? []
    : await Promise.all(services.map((service) => loadServiceConfig(service, options.stage ?? 'local')));
  const resources: Record<string, CfnResource> = options.resources ?? {};
  for (const config of configs) Object.assign(resources, config.resources?.Resources ?? {});

  const paths = options.stateDir ? statePaths(options.stateDir) : undefined;
  if (paths) await mkdir(paths.dynamoDir, { recursive: true });
  const snapshot = paths ? await readSqsSnapshot(paths.sqsSnapshot) : undefined;

  const started: RunningServer[] = [];
  let persistence: SqsPersistence | undefined;
  const stopAll = async () => {
    // The last snapshot is taken while the queues still exist, before the server goes.
    await persistence?.stop().catch(() => undefined);
    await Promise.allSettled(started.map((server) => server.close()));
  };
  try {
    const sqsServer = await startSqs(options.sqsPort ?? 0);
    started.push(sqsServer);
    const dynamoServer = await startDynamo(options.dynamoPort ?? 0, paths?.dynamoDir);
    started.push(dynamoServer);
    const sqs = new SQSClient(clientConfig(sqsServer.endpoint));
    const dynamo = new DynamoDBClient(clientConfig(dynamoServer.endpoint));
    const queues = await provisionQueues(resources, sqs);
    const tables = await provisionTables(resources, dynamo);
    const restoredMessages = snapshot ? restoreSqs(sqsServer.service, snapshot) : 0;
    if (paths) {
      persistence = persistSqs(sqsServer.service, paths.sqsSnapshot, options.snapshotIntervalMs);
    }
    const stores =
      tables.StoresTable !== undefined && options.seedStores !== false
        ? await seedStores(dynamo, tables.StoresTable)
        : [];
    return {
      sqsEndpoint: sqsServer.endpoint,
      dynamoEndpoint: dynamoServer.endpoint,
      queues,
      tables,
      stores,
      sqs,
      dynamo,
      env: {
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_SQS: sqsServer.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoServer.endpoint,
      },
      restoredMessages,
      oldestSentTimestamps: () => oldestSentTimestamps(sqsServer.service),
      stop: async () => {
        sqs.destroy();
        dynamo.destroy();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

/**
 * For tests: writes, for these embedded services, the stack file the local stack writes (as far as
 * its clients read it: endpoints, queues, tables, stores), so that a CLI runs against them exactly as
 * against `pnpm start`. Answers the file's path.
 */
export const writeTestStackFile = async (local: LocalAws, dir: string): Promise<string> => {
  const file = join(dir, 'stack.json');
  await writeFile(
    file,
    JSON.stringify({
      stage: 'local',
      region: LOCAL_REGION,
      sqsEndpoint: local.sqsEndpoint,
      dynamoEndpoint: local.dynamoEndpoint,
      queues: local.queues,
      tables: local.tables,
      stores: local.stores,
    }),
  );
  return file;
};
