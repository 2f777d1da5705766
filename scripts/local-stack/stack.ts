import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { tracingBackendName } from '@order-pipeline/common/tracing';
import { type LocalAws, REPO_ROOT, serviceDir, startLocalAws } from '@order-pipeline/local-aws';
import {
  DEFAULT_STATE_DIR,
  readStackInfo,
  StackFileError,
  type StackInfo,
  stackFile,
  writeStackInfo,
} from '@order-pipeline/local-aws/stack-file';
import { type Collector, startCollector } from './collector';
import { createConsoleApi } from './consoleApi';
import { buildConsolePage } from './consolePage';
import { startConsoleServer } from './consoleServer';
import { assertPortsFree, DEFAULT_PORTS, type StackPorts } from './ports';
import { clearStaleStack, processAlive } from './processes';
import { startService } from './services';
import {
  DEFAULT_RESTART_POLICY,
  type RestartPolicy,
  type ServiceStatus,
  type SupervisedService,
  supervise,
} from './supervisor';

/** The development API key of the local stage (services/ingest-api/serverless.yml). */
export const LOCAL_API_KEY = 'local-dev-key-0123456789abcdef';
const READY_TIMEOUT_MS = 180_000;
const PROGRESS_EVERY_MS = 5000;

type ServiceName = 'ingest-api' | 'order-consumer' | 'dlq-handler';

export interface StackOptions {
  ports?: StackPorts;
  /** The base port the ports came from (recorded in stack.json), if any. */
  basePort?: number;
  /** Where stack.json, logs/, build/ and state/ go; `.local` at the repo root by default. */
  stateDir?: string;
  /** Keep queues, tables and traces in `<stateDir>/state` across restarts (default true). */
  persist?: boolean;
  /** Start with empty queues, tables and traces (deletes `<stateDir>/state`). */
  fresh?: boolean;
  /**
   * Rebuild a service when its src/ or packages/common/src/ changes, and reload its functions
   * (serverless-esbuild's watch, `esbuildWatch` in serverless.shared.yml). Off by default.
   */
  watch?: boolean;
  /** Every line a service prints, and the stack's own progress (source `stack`). */
  output?: (source: string, line: string) => void;
  /** Extra environment for the services (e.g. CHAOS_FAULTS=on for the chaos suite). */
  env?: Record<string, string>;
  /** Services to run; all three by default. */
  services?: readonly ServiceName[];
  restartPolicy?: Partial<RestartPolicy>;
  /** How often the queues are snapshotted (ms). */
  snapshotIntervalMs?: number;
  /** Aborting stops whatever already started and rejects startStack (a signal during startup). */
  signal?: AbortSignal;
  /** What the console serves at /openapi.json (default docs/openapi.json). */
  openapiFile?: string;
}

export interface Stack {
  readonly info: StackInfo;
  /** Each service as its supervisor sees it now. */
  services(): ServiceStatus[];
  /** Rejects when a service exits and cannot be restarted; the stack has then stopped itself. */
  readonly failed: Promise<never>;
  stop(): Promise<void>;
}

/** Startup was interrupted (a signal, `pnpm stop`): not a failure. */
export class StartAbortedError extends Error {
  override name = 'StartAbortedError';
}

// Lines each service prints once it serves requests / polls its queue.
const READY_MARKERS: Record<string, RegExp> = {
  'ingest-api': /Server ready: http/,
  'order-consumer': /Starting Offline SQS/,
  'dlq-handler': /Starting Offline SQS/,
};

const serviceEnv = (
  local: LocalAws,
  ports: StackPorts,
  collector: Collector,
  extra: Record<string, string>,
) => ({
  ...process.env,
  ...local.env,
  ...extra,
  AWS_XRAY_DAEMON_ADDRESS: collector.address,
  // The services' local `otlpTracesEndpoint` param: the OpenTelemetry backend sends here.
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.otlpUrl,
  LOCAL_SQS_ENDPOINT: local.sqsEndpoint,
  INGEST_API_HTTP_PORT: String(ports.ingestHttp),
  ORDER_CONSUMER_HTTP_PORT: String(ports.consumerHttp),
  DLQ_HANDLER_HTTP_PORT: String(ports.dlqHttp),
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  // The AWS SDK v2 inside serverless-offline-sqs prints a deprecation notice on every start.
  AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
});

/**
 * A stack file left by a stack that is gone (killed hard): its leftover service processes are
 * killed and the file replaced. A stack that still runs is refused.
 */
const takeOverStackFile = async (file: string, say: (line: string) => void): Promise<void> => {
  let previous: StackInfo;
  try {
    previous = await readStackInfo(file);
  } catch (error) {
    if (error instanceof StackFileError && error.reason === 'missing') return;
    say(`replacing an unreadable stack file ${file}`);
    await rm(file, { force: true });
    return;
  }
  if (previous.pid !== process.pid && processAlive(previous.pid)) {
    throw new Error(
      `a local stack is already running from ${file} (pid ${previous.pid}, since ${previous.startedAt}). Stop it with \`pnpm stop\`, or start this one on other ports with --base-port N.`,
    );
  }
  const killed = await clearStaleStack(previous, file);
  say(
    `replacing a stale stack file (pid ${previous.pid} is gone${killed.length > 0 ? `; killed its leftover services ${killed.join(', ')}` : ''})`,
  );
};

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * Starts the embedded SQS and DynamoDB (queues and tables from the services' CloudFormation,
 * persisted under `<stateDir>/state` unless `persist: false`), the trace collector (X-Ray UDP and
 * OTLP/HTTP), and every
 * service under `sls offline`, each supervised; resolves once all of them answer. Anything already
 * started is stopped again if a later step fails or `signal` aborts.
 */
export const startStack = async (options: StackOptions = {}): Promise<Stack> => {
  const startedAt = Date.now();
  const ports = options.ports ?? DEFAULT_PORTS;
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const persist = options.persist ?? true;
  const names = options.services ?? ['order-consumer', 'ingest-api', 'dlq-handler'];
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.restartPolicy };
  const say = (line: string) => options.output?.('stack', line);
  const logsDir = join(stateDir, 'logs');
  const buildDir = join(stateDir, 'build');
  const dataDir = persist ? join(stateDir, 'state') : null;
  const tracesFile = join(dataDir ?? stateDir, 'traces.jsonl');
  const file = stackFile(stateDir);
  const checkAborted = () => {
    if (options.signal?.aborted) throw new StartAbortedError('the local stack was stopped while it started');
  };

  await mkdir(logsDir, { recursive: true });
  await takeOverStackFile(file, say);
  await assertPortsFree(ports);
  if (options.fresh && dataDir) {
    await rm(dataDir, { recursive: true, force: true });
    say(`--fresh: removed ${dataDir}`);
  }
  if (!dataDir) await rm(tracesFile, { force: true });
  await mkdir(dataDir ?? stateDir, { recursive: true });

  let info: StackInfo = {
    stage: 'local',
    region: 'eu-west-1',
    apiBaseUrl: `http://127.0.0.1:${ports.ingestHttp}/local`,
    apiKey: LOCAL_API_KEY,
    stores: [],
    sqsEndpoint: `http://127.0.0.1:${ports.sqs}`,
    dynamoEndpoint: `http://127.0.0.1:${ports.dynamo}`,
    xrayDaemonAddress: `127.0.0.1:${ports.xray}`,
    queues: {},
    tables: {},
    tracesFile,
    logsDir,
    pid: process.pid,
    startedAt: new Date(startedAt).toISOString(),
    status: 'starting',
    ports: { ...ports },
    basePort: options.basePort ?? null,
    stateDir,
    dataDir,
    buildDir,
    watch: options.watch === true,
    services: {},
  };
  // Writes are chained so that the file always ends with the latest state.
  let writes: Promise<void> = Promise.resolve();
  let removed = false;
  const save = (patch: Partial<StackInfo>) => {
    info = { ...info, ...patch };
    const snapshot = info;
    writes = writes.then(() => (removed ? undefined : writeStackInfo(snapshot, file))).catch(() => undefined);
    return writes;
  };
  await save({});

  const cleanups: Array<() => Promise<void>> = [];
  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= (async () => {
      await save({ status: 'stopping' });
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
      removed = true;
      await writes;
      await rm(file, { force: true });
    })();
    return stopped;
  };
  const onAbort = () => void stopAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    // ingest-api owns no resources; order-consumer's queues come first (the DLQ handler's event source).
    const owners = (['order-consumer', 'dlq-handler'] as const).filter(
      (name) => name === 'order-consumer' || names.includes(name),
    );
    say(
      "reading the services' CloudFormation (sls print, cached in .local/cache) and starting SQS and DynamoDB ...",
    );
    const early = setInterval(
      () => say(`still starting SQS and DynamoDB (${elapsed(startedAt)})`),
      PROGRESS_EVERY_MS,
    );
    cleanups.push(async () => clearInterval(early));
    const local = await startLocalAws({
      services: owners,
      sqsPort: ports.sqs,
      dynamoPort: ports.dynamo,
      ...(dataDir ? { stateDir: dataDir } : {}),
      ...(options.snapshotIntervalMs ? { snapshotIntervalMs: options.snapshotIntervalMs } : {}),
    });
    clearInterval(early);
    cleanups.push(() => local.stop());
    checkAborted();
    say(
      `SQS ${local.sqsEndpoint}, DynamoDB ${local.dynamoEndpoint} up (${elapsed(startedAt)}; ${
        dataDir ? `state in ${dataDir}, ${local.restoredMessages} queued messages restored` : 'in memory'
      })`,
    );
    const collector = await startCollector(tracesFile, ports.xray, '127.0.0.1', ports.otlp);
    cleanups.push(() => collector.close());
    checkAborted();
    await save({
      region: local.env.AWS_REGION ?? 'eu-west-1',
      queues: local.queues,
      tables: local.tables,
      stores: local.stores,
    });

    // The console runs in this process, beside the data plane it reads (the embedded SQS's state
    // gives each queue's oldest message): nothing more to supervise, and it stops with the stack.
    const consoleToken = randomBytes(24).toString('base64url');
    const consoleServer = await startConsoleServer({
      port: ports.console,
      token: consoleToken,
      page: await buildConsolePage(),
      openapiFile: options.openapiFile ?? join(REPO_ROOT, 'docs', 'openapi.json'),
      api: createConsoleApi({
        info: () => info,
        stackFile: file,
        oldestSentTimestamps: () => local.oldestSentTimestamps(),
      }),
      onError: (error) => say(`console: ${error.message}`),
    });
    cleanups.push(() => consoleServer.close());
    checkAborted();
    await save({ consoleUrl: consoleServer.url, consoleToken });

    const env = serviceEnv(local, ports, collector, {
      ...options.env,
      LOCAL_STACK_WATCH: options.watch === true ? 'on' : 'off',
    });
    // Each service's local `tracingBackend` param reads TRACING_BACKEND; refused here if unknown.
    const tracingBackend = tracingBackendName(env);
    await save({ otlpEndpoint: collector.otlpUrl, tracingBackend });
    const statuses: Record<string, ServiceStatus> = {};
    const onChange = (status: ServiceStatus, event?: string) => {
      statuses[status.name] = status;
      const { name: _name, ...recorded } = status;
      void save({ services: { ...info.services, [status.name]: recorded } });
      if (event) say(`${status.name}: ${event}`);
    };
    const supervised: SupervisedService[] = names.map((name) => {
      const logFile = join(logsDir, `${name}.log`);
      return supervise({
        name,
        logFile,
        marker: READY_MARKERS[name] ?? /Offline .*listening/,
        policy,
        onChange,
        start: () => {
          const service = startService({
            name,
            logFile,
            // serverless-esbuild joins this to the service folder: a relative path to our own
            // build folder, so `sls package` in the service folder never touches these bundles.
            env: { ...env, LOCAL_STACK_BUILD_DIR: relative(serviceDir(name), join(buildDir, name)) },
            onLine: (line) => options.output?.(name, line),
          });
          say(`${name}: building and starting (pid ${service.pid}) ...`);
          return service;
        },
      });
    });
    cleanups.push(async () => {
      await Promise.all(supervised.map((service) => service.stop()));
    });

    const waiting = new Set<string>(names);
    for (const service of supervised) {
      void service.ready.then(() => {
        waiting.delete(service.name);
      });
    }
    const progress = setInterval(() => {
      if (waiting.size > 0) say(`waiting for ${[...waiting].join(', ')} (${elapsed(startedAt)})`);
    }, PROGRESS_EVERY_MS);
    let readyTimer: NodeJS.Timeout | undefined;
    const aborted = new Promise<never>((_, reject) => {
      options.signal?.addEventListener('abort', () =>
        reject(new StartAbortedError('the local stack was stopped while it started')),
      );
    });
    aborted.catch(() => undefined);
    try {
      await Promise.race([
        Promise.all(supervised.map((service) => service.ready)),
        aborted,
        new Promise<never>((_, reject) => {
          readyTimer = setTimeout(
            () => reject(new Error(`the local stack was not ready within ${READY_TIMEOUT_MS / 1000} s`)),
            READY_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      if (error instanceof StartAbortedError) throw error;
      const details = supervised.map(
        (service) => `--- ${service.name} (last lines) ---\n${service.tail(15)}`,
      );
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${details.join('\n')}`);
    } finally {
      clearInterval(progress);
      clearTimeout(readyTimer);
    }
    checkAborted();
    await save({ status: 'up' });
    say(`every part is up (${elapsed(startedAt)})`);

    const failed = Promise.race(supervised.map((service) => service.failed)).catch(async (error: unknown) => {
      await stopAll();
      throw error;
    });
    failed.catch(() => undefined);
    return {
      get info() {
        return info;
      },
      services: () => names.map((name) => statuses[name]).filter((status) => status !== undefined),
      failed,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
};
