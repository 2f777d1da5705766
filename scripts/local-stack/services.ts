import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { maskText } from '@order-pipeline/common';
import { REPO_ROOT, SLS_BIN } from '@order-pipeline/local-aws';
import { signalGroup } from './processes';

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
  /** Every line the service prints (the console filters and prefixes them). */
  onLine?: (line: string) => void;
}

const STOP_GRACE_MS = 5000;
const CLOSE_GRACE_MS = 1000;

export const startService = (options: ServiceOptions): RunningService => {
  const child = spawn(SLS_BIN, ['offline', 'start', '--stage', 'local'], {
    cwd: join(REPO_ROOT, 'services', options.name),
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // A log that cannot be written must not take the stack down.
  log.on('error', () => undefined);
  const recent: string[] = [];
  const waiters: Array<{ marker: RegExp; resolve: () => void }> = [];
  // The one place a service's output is written (log file, console, error tails): masked here, so a
  // line that sls offline or a dependency prints with personal data never reaches a terminal or file.
  const onLine = (raw: string) => {
    const line = maskText(raw);
    // Lines still buffered in the pipes arrive after 'exit'; the log ends only on 'close', and a
    // line after that is dropped instead of failing with ERR_STREAM_WRITE_AFTER_END.
    if (!log.writableEnded) log.write(`${line}\n`);
    recent.push(line);
    if (recent.length > 200) recent.shift();
    options.onLine?.(line);
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
    let how: string | undefined;
    const finish = () => {
      log.end();
      resolve(how ?? 'unknown');
    };
    child.once('exit', (code, signal) => {
      how = signal ?? String(code);
      // 'close' follows once both pipes ended (every line read), unless a grandchild that
      // outlives sls (esbuild) still holds them: then the exit stands after a short grace.
      setTimeout(finish, CLOSE_GRACE_MS).unref();
    });
    child.once('close', finish);
    // e.g. ENOENT when dependencies are not installed: reported as an exit, never an unhandled error.
    child.once('error', (error) => {
      how = `could not run ${SLS_BIN}: ${error.message}; run \`pnpm install\` first`;
      finish();
    });
  });
  const pid = child.pid ?? -1;
  return {
    name: options.name,
    pid,
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
      // A negative pid signals the whole group: sls, its esbuild service and anything else it spawned.
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // The group may outlive its leader (e.g. esbuild's service process).
      signalGroup(pid, 'SIGKILL');
    },
  };
};
