import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalAws, startLocalAws } from '@order-pipeline/local-aws';
import { DEFAULT_STATE_DIR, type StackInfo, stackFile } from '@order-pipeline/local-aws/stack-file';
import { type Collector, startCollector } from './collector';
import { assertPortsFree, DEFAULT_PORTS, type StackPorts } from './ports';
import { type RunningService, startService } from './services';

/** The development API key of the local stage (services/ingest-api/serverless.yml). */
export const LOCAL_API_KEY = 'local-dev-key-0123456789abcdef';
const READY_TIMEOUT_MS = 180_000;

export interface StackOptions {
  ports?: StackPorts;
  /** Where stack.json, traces.jsonl and logs/ go; `.local` at the repo root by default. */
  stateDir?: string;
  /** Echo every service's output (interactive use). */
  echo?: boolean;
  /** Extra environment for the services (e.g. CHAOS_FAULTS=on for the chaos suite). */
  env?: Record<string, string>;
  /** Services to run; all three by default. */
  services?: ReadonlyArray<'ingest-api' | 'order-consumer' | 'dlq-handler'>;
}

export interface Stack {
  readonly info: StackInfo;
  readonly services: readonly RunningService[];
  /** Rejects when any service exits while the stack is up. */
  readonly failed: Promise<never>;
  stop(): Promise<void>;
}

// Lines each service prints once it serves requests / polls its queue.
const READY_MARKERS: Record<string, RegExp> = {
  'ingest-api': /Server ready: http/,
  'order-consumer': /Starting Offline SQS/,
  'dlq-handler': /Starting Offline SQS/,
};

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was not ready within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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
  LOCAL_SQS_ENDPOINT: local.sqsEndpoint,
  INGEST_API_HTTP_PORT: String(ports.ingestHttp),
  INGEST_API_LAMBDA_PORT: String(ports.ingestLambda),
  ORDER_CONSUMER_HTTP_PORT: String(ports.consumerHttp),
  ORDER_CONSUMER_LAMBDA_PORT: String(ports.consumerLambda),
  DLQ_HANDLER_HTTP_PORT: String(ports.dlqHttp),
  DLQ_HANDLER_LAMBDA_PORT: String(ports.dlqLambda),
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  // The AWS SDK v2 inside serverless-offline-sqs prints a deprecation notice on every start.
  AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
});

/**
 * Starts the embedded SQS and DynamoDB (queues and tables from the services' CloudFormation), the
 * X-Ray collector, and every service under `sls offline`; resolves once all of them answer.
 * Anything already started is stopped again if a later step fails.
 */
export const startStack = async (options: StackOptions = {}): Promise<Stack> => {
  const ports = options.ports ?? DEFAULT_PORTS;
  const stateDir = options.stateDir ?? DEFAULT_STATE_DIR;
  const names = options.services ?? ['order-consumer', 'ingest-api', 'dlq-handler'];
  const logsDir = join(stateDir, 'logs');
  const tracesFile = join(stateDir, 'traces.jsonl');
  await assertPortsFree(ports);
  await mkdir(logsDir, { recursive: true });
  await rm(tracesFile, { force: true });

  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    await rm(stackFile(stateDir), { force: true });
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    // ingest-api owns no resources; order-consumer's queues come first (the DLQ handler's event source).
    const owners = (['order-consumer', 'dlq-handler'] as const).filter(
      (name) => name === 'order-consumer' || names.includes(name),
    );
    const local = await startLocalAws({
      services: owners,
      sqsPort: ports.sqs,
      dynamoPort: ports.dynamo,
    });
    cleanups.push(() => local.stop());
    const collector = await startCollector(tracesFile, ports.xray);
    cleanups.push(() => collector.close());

    const env = serviceEnv(local, ports, collector, options.env ?? {});
    const services = names.map((name) =>
      startService({ name, env, logFile: join(logsDir, `${name}.log`), echo: options.echo ?? false }),
    );
    cleanups.push(async () => {
      await Promise.all(services.map((service) => service.stop()));
    });
    const ready = Promise.all(
      services.map((service) => service.waitForOutput(READY_MARKERS[service.name] ?? /Offline .*listening/)),
    );
    await withTimeout(ready, READY_TIMEOUT_MS, 'the local stack').catch((error: unknown) => {
      const details = services.map((service) => `--- ${service.name} (last lines) ---\n${service.tail(15)}`);
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${details.join('\n')}`);
    });

    const info: StackInfo = {
      stage: 'local',
      region: local.env.AWS_REGION ?? 'eu-west-1',
      apiBaseUrl: `http://127.0.0.1:${ports.ingestHttp}/local`,
      apiKey: LOCAL_API_KEY,
      stores: local.stores,
      sqsEndpoint: local.sqsEndpoint,
      dynamoEndpoint: local.dynamoEndpoint,
      xrayDaemonAddress: collector.address,
      queues: local.queues,
      tables: local.tables,
      tracesFile,
      logsDir,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    await writeFile(stackFile(stateDir), `${JSON.stringify(info, null, 2)}\n`);
    const failed = Promise.race(
      services.map((service) =>
        service.exited.then((how) => {
          throw new Error(`${service.name} exited (${how}):\n${service.tail(20)}`);
        }),
      ),
    );
    failed.catch(() => undefined);
    return { info, services, failed, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
