import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import type { StackInfo } from '@order-pipeline/local-aws/stack-file';
import { boundPorts, portsFromBase, tcpPortFree } from '../../local-stack/ports';
import { processAlive } from '../../local-stack/processes';
import { eventually } from './harness';

/**
 * One of the local stack's commands, run as a program from the repository root. Asynchronous: a
 * stack started by the test is its child, and must be reaped (not left a zombie) while e.g.
 * `pnpm stop` waits for it to be gone.
 */
export const runCommand = (
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, script), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

/**
 * `pnpm start` as a child process (the stack's own pid), on a base port and a state dir of its own;
 * from `root`, a copy of the repository, when given (watch.test.ts edits its sources).
 */
export interface StackProgram {
  readonly child: ChildProcess;
  readonly pid: number;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  info(): Promise<StackInfo | undefined>;
  waitUntilUp(timeoutMs?: number): Promise<StackInfo>;
  /** Resolves with the exit code, or 128 + signal number when killed by a signal. */
  readonly exited: Promise<number | string>;
  /** Kills the stack and its services by pid (the suites' last resort). */
  kill(): Promise<void>;
}

export const startProgram = (
  basePort: number,
  stateDir: string,
  extraArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  root: string = REPO_ROOT,
): StackProgram => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'scripts/local-stack/cli.ts'),
      '--base-port',
      String(basePort),
      '--state-dir',
      stateDir,
      ...extraArgs,
    ],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const info = async () => {
    try {
      return JSON.parse(await readFile(join(stateDir, 'stack.json'), 'utf8')) as StackInfo;
    } catch {
      return undefined;
    }
  };
  let lastServicePids: number[] = [];
  const remember = (stack: StackInfo | undefined) => {
    const pids = Object.values(stack?.services ?? {}).flatMap((service) =>
      service.pid ? [service.pid] : [],
    );
    if (pids.length > 0) lastServicePids = pids;
  };
  return {
    child,
    pid: child.pid ?? -1,
    output: () => text,
    waitForOutput: (pattern, timeoutMs = 120_000) =>
      eventually(`output ${pattern}`, async () => (pattern.test(text) ? true : undefined), timeoutMs).then(
        () => undefined,
      ),
    info,
    waitUntilUp: (timeoutMs = 240_000) =>
      eventually(
        'the stack to be up',
        async () => {
          const stack = await info();
          remember(stack);
          if (child.exitCode !== null) throw new Error(`the stack exited:\n${text}`);
          return stack?.status === 'up' ? stack : undefined;
        },
        timeoutMs,
      ),
    exited,
    kill: async () => {
      remember(await info());
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const pid of lastServicePids) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await exited;
    },
  };
};

const udpPortFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });

/** The bound ports of a stack on `basePort` that are still in use (none, after a clean stop). */
export const busyPorts = async (basePort: number): Promise<number[]> => {
  const busy: number[] = [];
  for (const { port, protocol } of boundPorts(portsFromBase(basePort))) {
    const free = protocol === 'udp' ? await udpPortFree(port) : await tcpPortFree(port);
    if (!free) busy.push(port);
  }
  return busy;
};

/** Pids (and process groups) of `pids` that still exist. */
export const livePids = (pids: readonly number[]): number[] =>
  pids.filter((pid) => {
    if (processAlive(pid)) return true;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  });

export const servicePids = (info: StackInfo | undefined): number[] =>
  Object.values(info?.services ?? {}).flatMap((service) => (service.pid ? [service.pid] : []));
