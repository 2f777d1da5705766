import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, SERVICES } from '@order-pipeline/local-aws';
import type { StackInfo } from '@order-pipeline/local-aws/stack-file';
import { freeBasePort } from '../../local-stack/ports';
import { eventually, orderRequest } from './harness';
import { busyPorts, livePids, runCommand, type StackProgram, servicePids, startProgram } from './program';

// `pnpm start` as a user runs it: a program on ports and a state directory of its own, stopped by
// signals and by `pnpm stop`, its services killed and restarted, its state kept across restarts,
// and `sls package` run beside it. Every test ends with every port free and every pid gone.
jest.setTimeout(600_000);

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

// Every order is store 7's: `info.apiKey` is store 7's key (a key sends only its own store's orders).
const api = (info: StackInfo) => ({
  post: async (body: unknown) => {
    const response = await fetch(`${info.apiBaseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': info.apiKey },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { orderId?: string } };
  },
  /** The order's status, `absent` on 404, undefined when the API did not answer usefully (busy). */
  statusOf: async (orderId: string): Promise<string | undefined> => {
    const response = await fetch(`${info.apiBaseUrl}/orders/${orderId}`, {
      headers: { 'x-api-key': info.apiKey },
    });
    if (response.status === 404) return 'absent';
    const body = (await response.json().catch(() => undefined)) as { status?: string } | undefined;
    return body?.status;
  },
});

/** Waits until every order is PROCESSED, asking the API about the pending ones one at a time. */
const processedAll = async (info: StackInfo, orderIds: readonly string[]) => {
  const pending = new Set(orderIds);
  await eventually(
    `${orderIds.length} orders to be PROCESSED`,
    async () => {
      for (const orderId of [...pending]) {
        if ((await api(info).statusOf(orderId)) === 'PROCESSED') pending.delete(orderId);
      }
      return pending.size === 0 ? true : undefined;
    },
    180_000,
  );
};

/** Asserts the stack is entirely gone: its process, its services' groups, its ports, its file. */
const expectAllGone = async (
  program: StackProgram,
  basePort: number,
  pids: readonly number[],
  stateDir: string,
) => {
  await eventually('every pid to be gone', async () =>
    livePids([program.pid, ...pids]).length === 0 ? true : undefined,
  );
  await eventually('every port to be free', async () =>
    (await busyPorts(basePort)).length === 0 ? true : undefined,
  );
  expect(livePids([program.pid, ...pids])).toEqual([]);
  expect(await busyPorts(basePort)).toEqual([]);
  expect(await exists(join(stateDir, 'stack.json'))).toBe(false);
};

describe('pnpm start, stopped by a signal', () => {
  const started: StackProgram[] = [];
  const dirs: string[] = [];
  const newStateDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'order-pipeline-lifecycle-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const program of started) await program.kill();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('stops every service process and frees every port on SIGINT during startup', async () => {
    const basePort = await freeBasePort();
    const stateDir = await newStateDir();
    const program = startProgram(basePort, stateDir);
    started.push(program);
    await program.waitForOutput(/dlq-handler: building and starting \(pid \d+\)/);
    const pids = [...program.output().matchAll(/building and starting \(pid (\d+)\)/g)].map((match) =>
      Number(match[1]),
    );

    program.child.kill('SIGINT');

    expect(await program.exited).toBe(130);
    expect(pids).toHaveLength(3);
    await expectAllGone(program, basePort, pids, stateDir);
    expect(program.output()).toContain('stopped during startup');
  });

  it.each([
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ] as const)('stops every service process and frees every port on %s once up', async (signal, code) => {
    const basePort = await freeBasePort();
    const stateDir = await newStateDir();
    const program = startProgram(basePort, stateDir, ['--quiet']);
    started.push(program);
    const info = await program.waitUntilUp();
    const pids = servicePids(info);

    program.child.kill(signal);

    expect(await program.exited).toBe(code);
    expect(pids).toHaveLength(3);
    await expectAllGone(program, basePort, pids, stateDir);
  });
});

describe('pnpm start, supervised, isolated and persistent', () => {
  let basePort: number;
  let stateDir: string;
  let program: StackProgram;
  let info: StackInfo;
  const orderIds: string[] = [];

  beforeAll(async () => {
    basePort = await freeBasePort();
    stateDir = await mkdtemp(join(tmpdir(), 'order-pipeline-lifecycle-'));
    program = startProgram(basePort, stateDir, ['--quiet']);
    info = await program.waitUntilUp();
  }, 300_000);

  afterAll(async () => {
    await program?.kill();
    await rm(stateDir, { recursive: true, force: true });
  });

  const location = () => ['--base-port', String(basePort), '--state-dir', stateDir];

  it('reports each service, each queue, the dead letters and the orders with pnpm status --json', async () => {
    const { code, stdout } = await runCommand('scripts/local-stack/status.ts', ['--json', ...location()]);

    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report.services).sort()).toEqual([...SERVICES].sort());
    expect(
      Object.values(report.services).every((service) => (service as { state: string }).state === 'ready'),
    ).toBe(true);
    expect(report.queues.OrdersQueue).toEqual(
      expect.objectContaining({ visible: 0, inFlight: 0, delayed: 0 }),
    );
    expect(report.apiBaseUrl).toBe(`http://127.0.0.1:${basePort + 4}/local`);
    expect(report.apiKeys).toEqual(
      info.stores.flatMap(({ storeId, apiKey }) => (apiKey ? [{ storeId, apiKey }] : [])),
    );
    expect(report.apiKeys).toContainEqual({ storeId: 7, apiKey: info.apiKey });
    expect(report.orders).toEqual({ total: 0, byStatus: {} });
  });

  it('restarts the order-consumer after it is killed, while the API and SQS keep answering', async () => {
    const consumerPid = info.services['order-consumer']?.pid ?? -1;

    process.kill(consumerPid, 'SIGKILL');
    const during = await api(info).post(orderRequest(7));
    // A restart that is not ready in time is stopped and retried (one more restart), so any
    // restart count from 1 up is the supervisor doing its work.
    const restarted = await eventually(
      'the order-consumer to be ready again',
      async () => {
        const consumer = (await program.info())?.services['order-consumer'];
        return (consumer?.restarts ?? 0) >= 1 && consumer?.state === 'ready' ? consumer : undefined;
      },
      300_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- the stack's output ---\n${program.output().slice(-3000)}`);
    });

    expect(during.status).toBe(202);
    expect(restarted.pid).not.toBe(consumerPid);
    expect(restarted.lastExit).toBe('SIGKILL');
    orderIds.push(String(during.body.orderId));
    await processedAll(info, orderIds);
    expect(program.output()).toContain('order-consumer: exited unexpectedly (SIGKILL); restarting in 1 s');
  });

  it('keeps processing orders while every service is packaged (sls package) in its folder: nothing dead-lettered', async () => {
    const batch: string[] = [];
    const posting = (async () => {
      for (let index = 0; index < 20; index++) {
        const posted = await api(info).post(orderRequest(7));
        expect(posted.status).toBe(202);
        batch.push(String(posted.body.orderId));
      }
    })();
    for (const service of SERVICES) {
      await promisify(execFile)(join(REPO_ROOT, 'node_modules/.bin/sls'), ['package', '--stage', 'prod'], {
        cwd: join(REPO_ROOT, 'services', service),
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
      });
    }
    await posting;

    await processedAll(info, batch);
    const { stdout } = await runCommand('scripts/local-stack/status.ts', ['--json', ...location()]);
    const report = JSON.parse(stdout);
    expect(report.deadLetters.total).toBe(0);
    expect(report.queues.OrdersDeadLetterQueue).toEqual(expect.objectContaining({ visible: 0, inFlight: 0 }));
    orderIds.push(...batch);
  });

  it('stops with pnpm stop, and keeps stored orders and traces for the next start', async () => {
    const pids = servicePids(await program.info());
    const stopped = await runCommand('scripts/local-stack/stop.ts', location());

    expect(stopped.code).toBe(0);
    expect(await program.exited).toBe(143);
    await expectAllGone(program, basePort, pids, stateDir);

    program = startProgram(basePort, stateDir, ['--quiet']);
    info = await program.waitUntilUp();
    const traces = await readFile(info.tracesFile, 'utf8');
    await processedAll(info, orderIds);

    expect(orderIds.every((orderId) => traces.includes(orderId))).toBe(true);
    expect(info.services['order-consumer']?.restarts).toBe(0);
  });

  it('starts empty with --fresh', async () => {
    const pids = servicePids(await program.info());
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe(143);
    await expectAllGone(program, basePort, pids, stateDir);

    program = startProgram(basePort, stateDir, ['--quiet', '--fresh']);
    info = await program.waitUntilUp();

    const traces = await readFile(info.tracesFile, 'utf8').catch(() => '');
    const status = await api(info).statusOf(orderIds[0] ?? '');

    expect(traces).not.toContain(orderIds[0]);
    expect(status).toBe('absent');
    const last = servicePids(info);
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe(143);
    await expectAllGone(program, basePort, last, stateDir);
  });
});
