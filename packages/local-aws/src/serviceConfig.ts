import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type CfnResource, isObject } from './cloudFormation';

// The repository's facts, defined once: where it is, its services (in deploy order: order-consumer
// exports what the others import), and how `sls` is run.
export const REPO_ROOT = resolve(__dirname, '../../..');
export const SERVICES = ['order-consumer', 'ingest-api', 'dlq-handler'] as const;
export type ServiceName = (typeof SERVICES)[number];

export type { CfnResource };

/** The part of a resolved serverless.yml (`sls print`) that the local tooling reads. */
export interface ServiceConfig {
  service: string;
  provider: { region: string; environment?: Record<string, unknown> };
  functions: Record<string, { handler: string; environment?: Record<string, unknown>; events?: unknown[] }>;
  resources?: { Resources?: Record<string, CfnResource>; Outputs?: Record<string, unknown> };
  custom?: Record<string, unknown>;
}

export const serviceDir = (service: ServiceName): string => join(REPO_ROOT, 'services', service);

/** The repository's serverless CLI (osls). */
export const SLS_BIN = join(REPO_ROOT, 'node_modules', '.bin', 'sls');

/** What every `sls` run of the tooling sets: no telemetry, no notifications. */
export const SLS_ENV = { SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' } as const;

/** A stage's resolved serverless `params`. */
export type Params = Readonly<Record<string, unknown>>;

/** The part of serverless-state.json (written by `sls package`, read by `sls deploy`) checked here. */
export interface ServerlessState {
  service?: { provider?: { region?: unknown; tracing?: { apiGateway?: unknown; lambda?: unknown } } };
}

/** The stage's params as serverless resolves them: the `default` block overlaid with the stage's own. */
export const stageParams = (printed: { params?: unknown }, stage: string): Params => {
  const blocks = isObject(printed.params) ? printed.params : {};
  const defaults = isObject(blocks.default) ? blocks.default : {};
  const own = isObject(blocks[stage]) ? blocks[stage] : {};
  return { ...defaults, ...own };
};

/** The contents of the .cjs files `${file(...)}` names, and of the modules they `load('./…')`. */
const variableSources = async (sources: string[], dir: string): Promise<string[]> => {
  const scripts = [...new Set(sources.flatMap((source) => [...source.matchAll(/\$\{file\(([^)]+\.cjs)\)/g)]))]
    .map((match) => resolve(dir, match[1] ?? ''))
    .sort();
  const contents: string[] = [];
  for (const script of scripts) {
    const text = await readFile(script, 'utf8');
    contents.push(text);
    for (const [, loaded] of text.matchAll(/load\('(\.[^']+)'/g)) {
      contents.push(await readFile(resolve(dirname(script), loaded ?? ''), 'utf8'));
    }
  }
  return contents;
};

/**
 * The service's configuration with every variable resolved, as `sls print` gives it. Cached under
 * .local/cache by a hash of the files it depends on (printing takes seconds).
 */
export const loadServiceConfig = async (service: ServiceName, stage = 'local'): Promise<ServiceConfig> => {
  const sources = await Promise.all(
    [join(serviceDir(service), 'serverless.yml'), join(REPO_ROOT, 'serverless.shared.yml')].map((file) =>
      readFile(file, 'utf8'),
    ),
  );
  // Values computed by JavaScript variable sources (`${file(./retryBudget.cjs):...}`) and the
  // TypeScript those load are part of the printed config too.
  const computed = await variableSources(sources, serviceDir(service));
  // Values read from the environment (ports, endpoints) are part of the printed config.
  // provider.region reads AWS_REGION and AWS_DEFAULT_REGION through a variable source.
  const envNames = [
    ...new Set([
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      ...sources.flatMap((source) =>
        [...source.matchAll(/\$\{env:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? ''),
      ),
    ]),
  ].sort();
  const envValues = envNames.map((name) => `${name}=${process.env[name] ?? ''}`);
  const key = createHash('sha256')
    .update([stage, ...sources, ...computed, ...envValues].join('\0'))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = join(REPO_ROOT, '.local', 'cache', `${service}-${stage}-${key}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as ServiceConfig;
  } catch {
    // not cached yet
  }
  const { stdout } = await promisify(execFile)(SLS_BIN, ['print', '--stage', stage, '--format', 'json'], {
    cwd: serviceDir(service),
    env: { ...process.env, ...SLS_ENV },
    maxBuffer: 16 * 1024 * 1024,
  });
  const config = JSON.parse(stdout) as ServiceConfig;
  await mkdir(join(REPO_ROOT, '.local', 'cache'), { recursive: true });
  await writeFile(cacheFile, JSON.stringify(config));
  return config;
};
