import { signalGroup } from './processes';
import type { RunningService } from './services';

/** How often a service that exits on its own is started again. */
export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; one more exit stops the stack. */
  maxRestarts: number;
  windowMs: number;
  /** Back-off before restart n (1-based) within the window: base·2^(n-1), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A (re)started service that is not ready by then is stopped, which counts as an exit. */
  readyTimeoutMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  windowMs: 10 * 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  readyTimeoutMs: 180_000,
};

/**
 * The back-off before the next restart, or undefined when the budget is spent: `restartTimes`
 * are the epoch ms of earlier restarts; only those within the window count.
 */
export const nextRestartDelay = (
  policy: RestartPolicy,
  restartTimes: readonly number[],
  now: number,
): number | undefined => {
  const recent = restartTimes.filter((time) => now - time < policy.windowMs).length;
  if (recent >= policy.maxRestarts) return undefined;
  return Math.min(policy.baseDelayMs * 2 ** recent, policy.maxDelayMs);
};

export type ServiceState = 'starting' | 'ready' | 'restarting' | 'stopping' | 'stopped' | 'failed';

export interface ServiceStatus {
  name: string;
  /** The process (group) id of the current `sls offline`, or null between processes. */
  pid: number | null;
  state: ServiceState;
  restarts: number;
  /** How the last process ended (exit code or signal), once one did. */
  lastExit?: string;
  logFile: string;
}

export interface SupervisedService {
  readonly name: string;
  status(): ServiceStatus;
  /** Resolves the first time the service is ready; rejects if it exits before (no restart then). */
  readonly ready: Promise<void>;
  /** Rejects when the service exited and cannot be restarted. */
  readonly failed: Promise<never>;
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  logFile: string;
  marker: RegExp;
  start: () => RunningService;
  policy: RestartPolicy;
  /** Every state change (stack.json, the console). */
  onChange: (status: ServiceStatus, event?: string) => void;
  now?: () => number;
}

/**
 * Runs a service and starts it again when it exits on its own after it was first ready, with
 * back-off, within the policy's budget. A service that never became ready at the first start is
 * a startup failure (a build error would only fail again).
 */
export const supervise = (options: SuperviseOptions): SupervisedService => {
  const now = options.now ?? Date.now;
  const restartTimes: number[] = [];
  let status: ServiceStatus = {
    name: options.name,
    pid: null,
    state: 'starting',
    restarts: 0,
    logFile: options.logFile,
  };
  let current: RunningService | undefined;
  let everReady = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  let rejectFailed: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  ready.catch(() => undefined);
  failed.catch(() => undefined);

  const change = (patch: Partial<ServiceStatus>, event?: string) => {
    status = { ...status, ...patch };
    options.onChange(status, event);
  };

  const launch = () => {
    const service = options.start();
    current = service;
    change({ pid: service.pid, state: 'starting' });
    const readyTimer = setTimeout(() => {
      change({}, `not ready within ${options.policy.readyTimeoutMs / 1000} s; stopping it`);
      void service.stop();
    }, options.policy.readyTimeoutMs);
    service.waitForOutput(options.marker).then(
      () => {
        clearTimeout(readyTimer);
        everReady = true;
        change(
          { state: 'ready' },
          status.restarts > 0 ? `ready again (restart ${status.restarts})` : 'ready',
        );
        resolveReady();
      },
      () => clearTimeout(readyTimer),
    );
    void service.exited.then((how) => {
      clearTimeout(readyTimer);
      // Whatever the leader left behind in its group (esbuild) goes with it.
      signalGroup(service.pid, 'SIGKILL');
      if (stopping) return;
      if (!everReady) {
        const error = new Error(`${options.name} exited (${how}) before it was ready:\n${service.tail(20)}`);
        if (status.restarts === 0) {
          change({ pid: null, state: 'failed', lastExit: how });
          rejectReady(error);
          rejectFailed(error);
          return;
        }
      }
      const delay = nextRestartDelay(options.policy, restartTimes, now());
      if (delay === undefined) {
        const minutes = options.policy.windowMs / 60_000;
        change(
          { pid: null, state: 'failed', lastExit: how },
          `exited (${how}); ${options.policy.maxRestarts} restarts within ${minutes} min already: giving up`,
        );
        rejectFailed(
          new Error(
            `${options.name} exited (${how}) and was restarted ${options.policy.maxRestarts} times within ${minutes} min: not restarting it again. Last lines:\n${service.tail(20)}`,
          ),
        );
        return;
      }
      change(
        { pid: null, state: 'restarting', lastExit: how },
        `exited unexpectedly (${how}); restarting in ${delay / 1000} s (restart ${status.restarts + 1} of at most ${options.policy.maxRestarts})`,
      );
      timer = setTimeout(() => {
        if (stopping) return;
        restartTimes.push(now());
        status = { ...status, restarts: status.restarts + 1 };
        launch();
      }, delay);
    });
  };
  launch();

  return {
    name: options.name,
    status: () => status,
    ready,
    failed,
    tail: (lines) => current?.tail(lines) ?? '',
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      change({ state: 'stopping' });
      await current?.stop();
      change({ pid: null, state: 'stopped' });
    },
  };
};
