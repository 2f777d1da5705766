import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CfnTemplate } from '@order-pipeline/local-aws/cloudformation';
import {
  type Params,
  REPO_ROOT,
  SERVICES,
  type ServerlessState,
  type ServiceName,
  SLS_BIN,
  SLS_ENV,
  stageParams,
} from '@order-pipeline/local-aws/service-config';

export { REPO_ROOT, SERVICES, type ServiceName };

/** What `sls package` and `sls print` produced for one service and stage. */
export interface PackagedService {
  service: ServiceName;
  stage: string;
  /** cloudformation-template-update-stack.json: the stack `sls deploy` creates or updates. */
  template: CfnTemplate;
  /** serverless-state.json: what `sls deploy --package` reads back, including post-deploy SDK steps. */
  state: ServerlessState;
  /** The stage's resolved `params` (the `default` block overlaid with the stage's own). */
  params: Params;
}

const run = promisify(execFile);

// Files at the repository root that serverless, its plugins and esbuild may look up from a service.
const ROOT_ENTRIES = [
  'node_modules',
  'packages',
  'package.json',
  'pnpm-workspace.yaml',
  'pnpm-lock.yaml',
  'tsconfig.json',
  'tsconfig.base.json',
];

/**
 * The environment of a machine with no AWS account: packaging must not need one. Credentials and
 * profiles are removed, the instance metadata service is not asked, telemetry is off.
 */
const offlineEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
  ]) {
    delete env[name];
  }
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...SLS_ENV,
  };
};

/**
 * A throwaway copy of the repository's layout (serverless.yml files copied, everything else
 * symlinked), so that packaging writes its `.esbuild` work folder there: serverless-esbuild deletes
 * that folder when it is done, which would pull the bundle from under an `sls offline` running in
 * the real service folder at the same time (the end-to-end tests run one).
 */
const mirrorService = async (root: string, service: ServiceName): Promise<string> => {
  for (const entry of ROOT_ENTRIES) {
    await symlink(join(REPO_ROOT, entry), join(root, entry)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
  }
  await copyFile(join(REPO_ROOT, 'serverless.shared.yml'), join(root, 'serverless.shared.yml'));
  const source = join(REPO_ROOT, 'services', service);
  const target = join(root, 'services', service);
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(source)) {
    if (entry.startsWith('.')) continue; // .serverless, .esbuild: someone else's build output
    if (entry.endsWith('.yml') || entry.endsWith('.yaml')) {
      await copyFile(join(source, entry), join(target, entry));
    } else {
      await symlink(join(source, entry), join(target, entry));
    }
  }
  return target;
};

const sls = async (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> => {
  try {
    const { stdout } = await run(SLS_BIN, args, {
      cwd,
      env: { ...offlineEnv(), ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    const output = `${stdout ?? ''}\n${stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`sls ${args.join(' ')} failed in services/${cwd.split('/services/')[1]}:\n${output}`);
  }
};

/**
 * Runs `sls package --stage <stage>` and `sls print --stage <stage>` for a service, offline, with
 * `--param=name=value` for each of `overrides`.
 */
export const packageService = async (
  service: ServiceName,
  stage: string,
  overrides: Readonly<Record<string, string>> = {},
): Promise<PackagedService> => {
  const root = await mkdtemp(join(tmpdir(), `deploy-${service}-`));
  try {
    const cwd = await mirrorService(root, service);
    const out = join(root, 'package');
    const paramArgs = Object.entries(overrides).map(([name, value]) => `--param=${name}=${value}`);
    const [, printed] = await Promise.all([
      sls(cwd, ['package', '--stage', stage, '--package', out, ...paramArgs]),
      sls(cwd, ['print', '--stage', stage, '--format', 'json', ...paramArgs]),
    ]);
    const template = JSON.parse(
      await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as CfnTemplate;
    const state = JSON.parse(await readFile(join(out, 'serverless-state.json'), 'utf8')) as ServerlessState;
    const params = stageParams(JSON.parse(printed) as { params?: unknown }, stage);
    return { service, stage, template, state, params };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
};

/**
 * One resolved value of a service's configuration (`sls print --path <path>`), offline, with extra
 * arguments and environment variables (an empty value leaves a variable unset).
 */
export const printValue = async (
  service: ServiceName,
  stage: string,
  path: string,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<unknown> => {
  const env = Object.fromEntries(
    Object.entries({ AWS_REGION: '', AWS_DEFAULT_REGION: '', ...options.env }).map(([name, value]) => [
      name,
      value === '' ? undefined : value,
    ]),
  );
  const printed = await sls(
    join(REPO_ROOT, 'services', service),
    ['print', '--stage', stage, '--format', 'json', '--path', path, ...(options.args ?? [])],
    env,
  );
  return JSON.parse(printed);
};

/**
 * Runs `sls package` for a service with extra arguments and environment, in a throwaway copy, and
 * answers its error message when it fails (undefined when it succeeds).
 */
export const packageError = async (
  service: ServiceName,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<string | undefined> => {
  const root = await mkdtemp(join(tmpdir(), `deploy-${service}-`));
  try {
    const cwd = await mirrorService(root, service);
    await sls(cwd, ['package', '--package', join(root, 'package'), ...args], env);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
};
