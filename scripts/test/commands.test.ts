import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { runCommand } from './e2e/program';

// The local stack's commands as programs, run from the repository root: --help, a bad argument,
// and their documented exit codes (0 ok, 1 failure, 2 usage).
jest.setTimeout(120_000);

const COMMANDS = {
  start: 'scripts/local-stack/cli.ts',
  stop: 'scripts/local-stack/stop.ts',
  status: 'scripts/local-stack/status.ts',
  reset: 'scripts/local-stack/reset.ts',
} as const;

describe.each(Object.entries(COMMANDS))('pnpm %s', (name, script) => {
  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout } = await runCommand(script, ['--help']);

    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: pnpm ${name}`);
  });

  it('refuses an unknown option with exit code 2 and its usage', async () => {
    const { code, stderr } = await runCommand(script, ['--no-such-option']);

    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--no-such-option'");
    expect(stderr).toContain(`Usage: pnpm ${name}`);
  });

  it('refuses a base port out of range with exit code 2', async () => {
    const { code, stderr } = await runCommand(script, ['--base-port', '80']);

    expect(code).toBe(2);
    expect(stderr).toContain('--base-port must be an integer from 1024');
  });
});

describe('pnpm start --help', () => {
  it('lists the ports actually bound, moved by --base-port', async () => {
    const { stdout } = await runCommand(COMMANDS.start, ['--help', '--base-port', '41000']);

    expect(stdout).toContain(
      'SQS 41000, DynamoDB 41001, X-Ray collector 41002/udp, OTLP/HTTP collector 41003, ingest-api HTTP 41004, console 41007.',
    );
  });

  it('reads the base port from LOCAL_STACK_BASE_PORT too', async () => {
    const { stdout } = await runCommand(COMMANDS.start, ['--help'], { LOCAL_STACK_BASE_PORT: '42000' });

    expect(stdout).toContain('SQS 42000, DynamoDB 42001');
  });
});

describe('the commands without a running stack', () => {
  let stateDir: string;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'local-stack-commands-'));
  });

  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  const staleStackFile = () =>
    writeFile(
      join(stateDir, 'stack.json'),
      JSON.stringify({ pid: 2 ** 22 + 1, queues: {}, tables: {}, services: {}, startedAt: 'then' }),
    );

  it('pnpm stop says nothing is running and exits 0', async () => {
    const { code, stdout } = await runCommand(COMMANDS.stop, ['--state-dir', stateDir]);

    expect(code).toBe(0);
    expect(stdout).toContain('no local stack is running');
  });

  it('pnpm status says the stack is not running and exits 1', async () => {
    const { code, stderr } = await runCommand(COMMANDS.status, ['--state-dir', stateDir]);

    expect(code).toBe(1);
    expect(stderr).toContain('the local stack is not running');
  });

  it('pnpm status calls a stack file whose process is gone stale, and pnpm stop removes it', async () => {
    await staleStackFile();

    const status = await runCommand(COMMANDS.status, ['--state-dir', stateDir]);
    const stop = await runCommand(COMMANDS.stop, ['--state-dir', stateDir]);

    expect(status.code).toBe(1);
    expect(status.stderr).toContain('is gone (stale');
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('removed its stale');
    await expect(readFile(join(stateDir, 'stack.json'))).rejects.toThrow('ENOENT');
  });

  it('pnpm reset removes the persisted state and exits 0', async () => {
    await staleStackFile();
    const { code, stdout } = await runCommand(COMMANDS.reset, ['--state-dir', stateDir]);

    expect(code).toBe(0);
    expect(stdout).toContain(`removed ${join(stateDir, 'state')}`);
  });

  it('pnpm reset refuses while the stack runs, with exit code 1', async () => {
    await writeFile(
      join(stateDir, 'stack.json'),
      JSON.stringify({ pid: process.pid, queues: {}, tables: {}, services: {}, startedAt: 'now' }),
    );

    const { code, stderr } = await runCommand(COMMANDS.reset, ['--state-dir', stateDir]);

    expect(code).toBe(1);
    expect(stderr).toContain(`the local stack is running (pid ${process.pid})`);
  });
});

describe('the root package scripts', () => {
  const rootScript = (name: string, args: string[]) => {
    const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const command = scripts[name];
    if (!command) throw new Error(`no root script ${name}`);
    // As pnpm runs it: the script's command line with the arguments appended, from the root.
    return spawnSync('sh', ['-c', `${command} "$@"`, name, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: `${join(REPO_ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
  };

  it.each(['dlq', 'start', 'stop', 'status', 'reset'])(
    'keep exit code 2 for a bad argument to pnpm %s (no recursive run in between)',
    (name) => {
      const result = rootScript(name, ['--no-such-option']);

      expect(result.status).toBe(2);
      expect(result.stderr).not.toContain('ERR_PNPM');
    },
  );
});
