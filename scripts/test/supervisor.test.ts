import { waitUntil } from '@order-pipeline/common/testing';
import type { RunningService } from '../local-stack/services';
import {
  DEFAULT_RESTART_POLICY,
  nextRestartDelay,
  type RestartPolicy,
  type ServiceStatus,
  supervise,
} from '../local-stack/supervisor';

const policy: RestartPolicy = { ...DEFAULT_RESTART_POLICY, baseDelayMs: 1, maxDelayMs: 4, maxRestarts: 2 };

describe('nextRestartDelay()', () => {
  it('doubles the back-off with each restart within the window, up to the maximum', () => {
    const p = {
      ...DEFAULT_RESTART_POLICY,
      baseDelayMs: 1000,
      maxDelayMs: 4000,
      maxRestarts: 10,
      windowMs: 60_000,
    };

    const delays = [[], [1], [1, 2], [1, 2, 3]].map((times) => nextRestartDelay(p, times, 10));

    expect(delays).toEqual([1000, 2000, 4000, 4000]);
  });

  it('gives up once maxRestarts happened within the window', () => {
    expect(nextRestartDelay({ ...policy, windowMs: 1000 }, [100, 200], 500)).toBeUndefined();
  });

  it('forgets restarts older than the window', () => {
    expect(nextRestartDelay({ ...policy, windowMs: 1000 }, [100, 200], 5000)).toBe(1);
  });
});

/** A service process the test ends and readies at will. */
const fakeProcess = (pid: number) => {
  let exit: (how: string) => void = () => undefined;
  let ready: () => void = () => undefined;
  const exited = new Promise<string>((resolve) => {
    exit = resolve;
  });
  const readyOutput = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const service: RunningService = {
    name: 'order-consumer',
    pid,
    exited,
    tail: () => `last line of ${pid}`,
    waitForOutput: () => Promise.race([readyOutput, exited.then((how) => Promise.reject(new Error(how)))]),
    stop: async () => exit('SIGTERM'),
  };
  return { service, exit, ready };
};

/** Waits (polling) until `condition` holds; the supervisor restarts after a timer. */
const until = (condition: () => boolean) =>
  waitUntil('the supervisor to get there', () => condition() || undefined, { intervalMs: 5 });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('supervise()', () => {
  const start = () => {
    const processes: Array<ReturnType<typeof fakeProcess>> = [];
    const changes: Array<{ status: ServiceStatus; event?: string }> = [];
    const supervised = supervise({
      name: 'order-consumer',
      logFile: '/tmp/order-consumer.log',
      marker: /ready/,
      policy,
      start: () => {
        const next = fakeProcess(1000 + processes.length);
        processes.push(next);
        return next.service;
      },
      onChange: (status, event) => changes.push({ status, ...(event ? { event } : {}) }),
    });
    return { supervised, processes, changes };
  };

  it('starts a service again after it exits on its own, and says so', async () => {
    const { supervised, processes, changes } = start();
    processes[0]?.ready();
    await supervised.ready;

    processes[0]?.exit('SIGKILL');
    await until(() => processes.length === 2);
    processes[1]?.ready();
    await until(() => supervised.status().state === 'ready');

    expect(processes).toHaveLength(2);
    expect(supervised.status()).toEqual(
      expect.objectContaining({ pid: 1001, state: 'ready', restarts: 1, lastExit: 'SIGKILL' }),
    );
    expect(changes.map(({ event }) => event).filter(Boolean)).toEqual([
      'ready',
      'exited unexpectedly (SIGKILL); restarting in 0.001 s (restart 1 of at most 2)',
      'ready again (restart 1)',
    ]);
    await supervised.stop();
  });

  it('fails once the restart budget is spent, naming the service and its last lines', async () => {
    const { supervised, processes } = start();
    processes[0]?.ready();
    await supervised.ready;

    for (let index = 0; index < 3; index++) {
      processes[index]?.exit('1');
      await until(() => processes.length === Math.min(index + 2, 3) && supervised.status().state !== 'ready');
    }

    await expect(supervised.failed).rejects.toThrow(
      /order-consumer exited \(1\) and was restarted 2 times within 10 min: not restarting it again\. Last lines:\nlast line of 1002/,
    );
    expect(supervised.status().state).toBe('failed');
    expect(processes).toHaveLength(3);
  });

  it('does not restart a service that never became ready at its first start', async () => {
    const { supervised, processes } = start();

    processes[0]?.exit('1');

    await expect(supervised.ready).rejects.toThrow('order-consumer exited (1) before it was ready');
    await expect(supervised.failed).rejects.toThrow('before it was ready');
    expect(processes).toHaveLength(1);
  });

  it('does not restart a service it was told to stop', async () => {
    const { supervised, processes } = start();
    processes[0]?.ready();
    await supervised.ready;

    await supervised.stop();
    await settle();

    expect(processes).toHaveLength(1);
    expect(supervised.status()).toEqual(expect.objectContaining({ pid: null, state: 'stopped' }));
  });
});
