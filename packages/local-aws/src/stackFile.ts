// What the running local stack (`pnpm start`) tells its clients: the scripts, the e2e tests and
// `pnpm dlq`. Kept free of the embedded servers, so a client loads none of them
// (`@order-pipeline/local-aws/stack-file`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrderPipelineError } from '@order-pipeline/common';
import type { ProvisionedQueue } from './provision';
import type { LocalStore } from './seedStores';
import { REPO_ROOT } from './serviceConfig';

/** The embedded services accept any credentials; these keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local');

/** What the running local stack writes to `<state dir>/stack.json`. */
export interface StackInfo {
  stage: 'local';
  region: string;
  apiBaseUrl: string;
  /** Store 7's key (the README's sample store); `stores` lists every store's key. */
  apiKey: string;
  /** The stores the local stack seeded, with their fixed keys (`pnpm stores list` shows every store). */
  stores: LocalStore[];
  sqsEndpoint: string;
  dynamoEndpoint: string;
  xrayDaemonAddress: string;
  /** Queues by CloudFormation logical id (`OrdersQueue`, `OrdersDeadLetterQueue`). */
  queues: Record<string, ProvisionedQueue>;
  /** Table names by logical id (`OrdersTable`, `DeadLettersTable`). */
  tables: Record<string, string>;
  tracesFile: string;
  logsDir: string;
  pid: number;
  startedAt: string;
}

export const stackFile = (stateDir = DEFAULT_STATE_DIR): string => join(stateDir, 'stack.json');

/** The stack file is missing (`missing`: the stack is not running) or not what the stack writes. */
export class StackFileError extends OrderPipelineError {
  constructor(
    message: string,
    readonly file: string,
    readonly reason: 'missing' | 'invalid',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the running stack's facts; STACK_FILE overrides the location (tests run their own stack). */
export const readStackInfo = async (file = process.env.STACK_FILE ?? stackFile()): Promise<StackInfo> => {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new StackFileError(
      `the local stack is not running: ${file} does not exist. Start it with \`pnpm start\`.`,
      file,
      'missing',
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new StackFileError(`${file} is not JSON; restart the local stack`, file, 'invalid', {
      cause: error,
    });
  }
  if (!isRecord(parsed) || !isRecord(parsed.queues) || !isRecord(parsed.tables)) {
    throw new StackFileError(`${file} has no queues or tables; restart the local stack`, file, 'invalid');
  }
  return parsed as unknown as StackInfo;
};

/** The API key of one of the local stack's stores (they are listed in `stores`). */
export const storeKeyOf = (stack: StackInfo, storeId: number): string => {
  const apiKey = stack.stores?.find((store) => store.storeId === storeId)?.apiKey;
  if (apiKey === undefined) throw new Error(`the local stack lists no API key for store ${storeId}`);
  return apiKey;
};

export const queueOf = (stack: StackInfo, logicalId: string): ProvisionedQueue => {
  const queue = stack.queues[logicalId];
  if (!queue) throw new Error(`the local stack has no queue ${logicalId}`);
  return queue;
};
