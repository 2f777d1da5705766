import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeBasePort, portsFromBase } from '../../local-stack/ports';
import { type Stack, startStack } from '../../local-stack/stack';
import { eventually } from './harness';
import { busyPorts, livePids, servicePids } from './program';

// The stack stops itself, entirely, when a service exits and its restart budget is spent.
jest.setTimeout(300_000);

describe('startStack() when a service cannot be restarted', () => {
  let stateDir: string;
  let stack: Stack | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'order-pipeline-supervision-'));
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('stops everything, removes the stack file and says which service and why', async () => {
    const basePort = await freeBasePort();
    stack = await startStack({
      ports: portsFromBase(basePort),
      stateDir,
      services: ['order-consumer'],
      restartPolicy: { maxRestarts: 0 },
    });
    const pids = servicePids(stack.info);

    process.kill(pids[0] ?? -1, 'SIGKILL');

    await expect(stack.failed).rejects.toThrow(
      /order-consumer exited \(SIGKILL\) and was restarted 0 times within 10 min: not restarting it again/,
    );
    // A killed group's members are reaped asynchronously.
    await eventually('the service group to be gone', async () =>
      livePids(pids).length === 0 ? true : undefined,
    );
    expect(livePids(pids)).toEqual([]);
    expect(await busyPorts(basePort)).toEqual([]);
    await expect(stat(join(stateDir, 'stack.json'))).rejects.toThrow('ENOENT');
  });
});
