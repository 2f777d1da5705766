import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { maskText } from '@order-pipeline/common';
import { REPO_ROOT } from '@order-pipeline/local-aws';

/** A service running under `sls offline start --stage local`, in a process group of its own. */
export interface RunningService {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the output shows `marker`; rejects if the process exits first. */
  waitForOutput(marker: RegExp): Promise<void>;
  /** Last lines of output, for error messages. */
  tail(lines?: number): string;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  name: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Echo output, prefixed with the service name (the interactive `pnpm start`). */
  echo: boolean;
}

const SLS = join(REPO_ROOT, 'node_modules', '.bin', 'sls');
const STOP_GRACE_MS = 5000;

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined) return;
  try {
    // A negative pid signals the whole group: sls, its esbuild service and anything else it spawned.
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

export const startService = (options: ServiceOptions): RunningService => {
  const child = spawn(SLS, ['offline', 'start', '--stage', 'local'], {
    cwd: join(REPO_ROOT, 'services', options.name),
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: WriteStream = createWriteStream(options.logFile, { flags: 'a' });
  const recent: string[] = [];
  const waiters: Array<{ marker: RegExp; resolve: () => void }> = [];
  // The one place a service's output is written (log file, console, error tails): masked here, so a
  // line that sls offline or a dependency prints with personal data never reaches a terminal or file.
  const onLine = (raw: string) => {
    const line = maskText(raw);
    log.write(`${line}\n`);
    recent.push(line);
    if (recent.length > 200) recent.shift();
    if (options.echo) process.stdout.write(`[${options.name}] ${line}\n`);
    for (const waiter of [...waiters]) {
      if (waiter.marker.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', onLine);
  }
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve(signal ?? String(code));
    });
    // e.g. ENOENT when dependencies are not installed: reported as an exit, never an unhandled error.
    child.once('error', (error) => {
      log.end();
      resolve(`could not run ${SLS}: ${error.message}; run \`pnpm install\` first`);
    });
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    tail: (lines = 30) => recent.slice(-lines).join('\n'),
    waitForOutput: (marker) =>
      Promise.race([
        new Promise<void>((resolve) => {
          if (recent.some((line) => marker.test(line))) resolve();
          else waiters.push({ marker, resolve });
        }),
        exited.then((how) => {
          throw new Error(`${options.name} exited (${how}) before it was ready`);
        }),
      ]),
    stop: async () => {
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // The group may outlive its leader (e.g. esbuild's service process).
      signalGroup(child, 'SIGKILL');
    },
  };
};
