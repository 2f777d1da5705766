import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
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

  it('documents --watch: what it watches, and that each reload is a cold start', async () => {
    const { stdout } = await runCommand(COMMANDS.start, ['--help']);

    expect(stdout).toContain('[--watch]');
    expect(stdout).toMatch(/--watch +rebuild a service when its src\/ or packages\/common\/src\/ changes/);
    expect(stdout).toContain('a cold start every time');
  });

  it('refuses a value for --watch with exit code 2', async () => {
    const { code, stderr } = await runCommand(COMMANDS.start, ['--watch=yes']);

    expect(code).toBe(2);
    expect(stderr).toContain("Option '--watch' does not take an argument");
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

// The other commands as programs: the same frame, the same answers.
describe.each([
  ['produce', 'scripts/produce/cli.ts', ['--orders', '0']],
  ['traces', 'scripts/traces/cli.ts', ['an-order', 'a-trace']],
  ['bench', 'scripts/bench/cli.ts', ['--only', 'everything']],
])('pnpm %s', (name, script, badArguments) => {
  it('prints its usage and its options with --help and exits 0', async () => {
    const { code, stdout } = await runCommand(script, ['--help']);

    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: pnpm ${name}`);
    expect(stdout).toContain('-h, --help');
  });

  it('refuses an unknown option with exit code 2, the message and its usage on stderr', async () => {
    const { code, stdout, stderr } = await runCommand(script, ['--no-such-option']);

    expect(code).toBe(2);
    expect(stderr).toContain("error: Unknown option '--no-such-option'");
    expect(stderr).toContain(`Usage: pnpm ${name}`);
    expect(stdout).toBe('');
  });

  it(`refuses ${JSON.stringify(badArguments)} with exit code 2`, async () => {
    const { code, stderr } = await runCommand(script, badArguments);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: /);
  });
});

describe('the commands failing', () => {
  let busy: Server;
  let stateDir: string;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'commands-failing-'));
  });

  afterEach(async () => {
    if (busy?.listening) await new Promise((resolve) => busy.close(resolve));
    await rm(stateDir, { recursive: true, force: true });
  });

  it('pnpm produce exits 1 when no local stack is running', async () => {
    const { code, stderr } = await runCommand('scripts/produce/cli.ts', ['--orders', '1'], {
      STACK_FILE: join(stateDir, 'stack.json'),
    });

    expect(code).toBe(1);
    expect(stderr).toContain('error: the local stack is not running');
  });

  it('pnpm traces exits 1 for a trace file that does not exist', async () => {
    const { code, stderr } = await runCommand('scripts/traces/cli.ts', [
      '--file',
      join(stateDir, 'none.jsonl'),
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain(`error: no trace file at ${join(stateDir, 'none.jsonl')}`);
  });

  it('pnpm traces exits 1 for an order it has no trace of', async () => {
    const file = join(stateDir, 'traces.jsonl');
    await writeFile(file, '');

    const { code, stderr } = await runCommand('scripts/traces/cli.ts', ['--file', file, 'order-404']);

    expect(code).toBe(1);
    expect(stderr).toContain('no trace found for order-404');
  });

  it('pnpm start exits 1 when one of its ports is taken', async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };

    const { code, stderr } = await runCommand('scripts/local-stack/cli.ts', [
      '--base-port',
      String(port),
      '--state-dir',
      stateDir,
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain('The local stack could not start: ports already in use');
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

  it.each(['dlq', 'stores', 'start', 'stop', 'status', 'reset', 'produce', 'traces', 'bench'])(
    'keep exit code 2 for a bad argument to pnpm %s (no recursive run in between)',
    (name) => {
      const result = rootScript(name, ['--no-such-option']);

      expect(result.status).toBe(2);
      expect(result.stderr).not.toContain('ERR_PNPM');
    },
  );
});
