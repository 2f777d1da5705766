// What the running local stack (`pnpm start`) tells its clients: the scripts, the e2e tests and
// `pnpm dlq`. Kept free of the embedded servers, so a client loads none of them
// (`@order-pipeline/local-aws/stack-file`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { StackFileError } from './errors';
import type { ProvisionedQueue } from './provision';
import type { LocalStore } from './seedStores';
import { REPO_ROOT } from './serviceConfig';

/** The embedded services accept any credentials; these keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const DEFAULT_STATE_DIR = join(REPO_ROOT, '.local');

/** The environment variable that moves every port of the stack, and where its tools look for it. */
export const BASE_PORT_ENV = 'LOCAL_STACK_BASE_PORT';

/**
 * A stack on the default ports lives in `.local`; one started with a base port N in
 * `.local/stack-N`, so two stacks side by side never share a stack file, logs or state.
 */
export const stateDirFor = (basePort?: number): string =>
  basePort === undefined ? DEFAULT_STATE_DIR : join(DEFAULT_STATE_DIR, `stack-${basePort}`);

/** One service process of the stack, as its supervisor last saw it. */
export interface StackServiceInfo {
  /** The process (and process group) id of its `sls offline`, null between restarts. */
  pid: number | null;
  state: 'starting' | 'ready' | 'restarting' | 'stopping' | 'stopped' | 'failed';
  restarts: number;
  lastExit?: string;
  logFile: string;
}

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
  /** The collector's OTLP/HTTP traces URL (the OpenTelemetry backend sends there). */
  otlpEndpoint?: string;
  /** The services' tracing backend (`TRACING_BACKEND`): `xray` or `otel`. */
  tracingBackend?: string;
  /** Queues by CloudFormation logical id (`OrdersQueue`, `OrdersDeadLetterQueue`). */
  queues: Record<string, ProvisionedQueue>;
  /** Table names by logical id (`OrdersTable`, `DeadLettersTable`). */
  tables: Record<string, string>;
  tracesFile: string;
  logsDir: string;
  /** The stack's own process: `pnpm stop` signals it. */
  pid: number;
  startedAt: string;
  /** `starting` until every service is ready, then `up`; `stopping` while it stops. */
  status: 'starting' | 'up' | 'stopping';
  /** Every port by part (see scripts/local-stack/ports.ts), and the base port if one was given. */
  ports: Record<string, number>;
  basePort: number | null;
  /** Where this file, logs/, build/ and state/ live. */
  stateDir: string;
  /** Persistent queues, tables and traces (`state/`), or null when the stack runs in memory. */
  dataDir: string | null;
  /** The services' bundles (never a service folder's .esbuild). */
  buildDir: string;
  /** Started with `--watch`: an edit of a service's src/ or packages/common/src/ reloads its functions. */
  watch?: boolean;
  services: Record<string, StackServiceInfo>;
  /** The console page (scripts/local-stack/consoleServer.ts), its token in the fragment (`#token=`). */
  consoleUrl?: string;
  /** The token the console's API asks for (`Authorization: Bearer <token>`); new at every start. */
  consoleToken?: string;
}

// Kept importable from the `stack-file` subpath, which the clients load without the embedded servers.
export { StackFileError };

export const stackFile = (stateDir = DEFAULT_STATE_DIR): string => join(stateDir, 'stack.json');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The stack file the tools read: STACK_FILE if set (tests run their own stack), else the one of
 * the stack on LOCAL_STACK_BASE_PORT's ports, else `.local/stack.json`.
 */
export const defaultStackFile = (env: Readonly<Record<string, string | undefined>> = process.env): string => {
  if (env.STACK_FILE) return env.STACK_FILE;
  const base = env[BASE_PORT_ENV];
  return stackFile(stateDirFor(base ? Number(base) : undefined));
};

export const writeStackInfo = (info: StackInfo, file = stackFile(info.stateDir)): Promise<void> =>
  // Owner only: it holds every local store's API key and the console's token.
  writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`, 0o600);

/** Reads the running stack's facts (see defaultStackFile for where). */
export const readStackInfo = async (file = defaultStackFile()): Promise<StackInfo> => {
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
