import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type StoresTable, storesTable } from '@order-pipeline/common';
import { capturedOutput } from '@order-pipeline/common/cli';
import { type LocalAws, REPO_ROOT, startLocalAws, writeTestStackFile } from '@order-pipeline/local-aws';
import { apiGatewayKeys, usagePlanExport } from '../stores/keys';
import { runStoresCli } from '../stores/run';
import { connectStage } from '../stores/stage';

const NOW = new Date('2026-11-25T12:00:00.000Z');

const recordingOutput = capturedOutput;

/** The key value a command printed ("shown once"). */
const printedKey = (text: string): string =>
  /API key \(shown once, keep it now\): (\S+)/.exec(text)?.[1] ?? '';

describe('pnpm stores (the local stage, against dynalite)', () => {
  let local: LocalAws;
  let stateDir: string;
  let stackFile: string;
  let registry: StoresTable;

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer'] });
    stateDir = await mkdtemp(join(tmpdir(), 'stores-cli-'));
    stackFile = await writeTestStackFile(local, stateDir);
    registry = storesTable(DynamoDBDocumentClient.from(local.dynamo), local.tables.StoresTable ?? '');
  }, 60_000);

  afterAll(async () => {
    await local?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  const run = async (...argv: string[]) => {
    const recorded = recordingOutput();
    const code = await runStoresCli(argv, {
      output: recorded.output,
      connect: (options) => connectStage({ ...options, stackFile }),
      now: () => NOW,
    });
    return { code, out: recorded.out(), err: recorded.err() };
  };

  it('lists the seeded stores, with key ids but never a key value or hash', async () => {
    const { code, out } = await run('list', '--json');

    const listed = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(code).toBe(0);
    expect(listed.map((store) => store.storeId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(listed[8]).toEqual(expect.objectContaining({ status: 'closed', apiKeyId: 'local-key-9-seed' }));
    expect(out).not.toContain('local-dev-key-0123456789abcdef');
    expect(listed.every((store) => !('apiKeyHash' in store))).toBe(true);
  });

  it('adds a store whose key, printed once, names it in the registry', async () => {
    const { code, out } = await run('add', '41', '--name', 'Deptford');

    expect(code).toBe(0);
    const key = printedKey(out);
    expect(key).toMatch(/^local-store-41-[0-9a-f]{32}$/);
    expect(await registry.findByApiKey(key)).toEqual(
      expect.objectContaining({ storeId: 41, name: 'Deptford', status: 'open' }),
    );
    expect((await run('list')).out).not.toContain(key);
  });

  it('refuses to add a store that exists (exit 1), changing nothing', async () => {
    const before = await registry.get(7);

    const { code, err } = await run('add', '7', '--name', 'Again');

    expect(code).toBe(1);
    expect(err).toContain('store 7 exists');
    expect(await registry.get(7)).toEqual(before);
  });

  it('closes and opens a store', async () => {
    await run('add', '42', '--name', 'Peckham');

    const closed = await run('close', '42');
    const statusClosed = (await registry.get(42))?.status;
    const opened = await run('open', '42');

    expect([closed.code, opened.code]).toEqual([0, 0]);
    expect(closed.out).toBe('store 42 (Peckham) is closed');
    expect(statusClosed).toBe('closed');
    expect((await registry.get(42))?.status).toBe('open');
  });

  it('rotates a key: the new one names the store, the old one nothing', async () => {
    const oldKey = printedKey((await run('add', '43', '--name', 'Lewisham')).out);

    const { code, out } = await run('rotate-key', '43');

    const newKey = printedKey(out);
    expect(code).toBe(0);
    expect(newKey).not.toBe(oldKey);
    expect((await registry.findByApiKey(newKey))?.storeId).toBe(43);
    expect(await registry.findByApiKey(oldKey)).toBeUndefined();
  });

  it.each([['open'], ['close'], ['rotate-key']])(
    'fails %s of a store that does not exist (exit 1)',
    async (command) => {
      const { code, err } = await run(command, '999');

      expect(code).toBe(1);
      expect(err).toBe('error: there is no store 999');
    },
  );

  it.each([
    [['add', '44'], 'add needs --name'],
    [['add', 'x', '--name', 'X'], 'add needs a store id'],
    [['close'], 'close needs a store id'],
    [['list', '--name', 'x'], 'list takes no --name'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [[], 'missing command'],
  ])('answers %j with usage and exit 2', async (argv, message) => {
    const { code, err } = await run(...argv);

    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('Usage: pnpm stores');
  });

  it('prints the usage for --help, exit 0', async () => {
    const general = await run('--help');
    const command = await run('rotate-key', '--help');

    expect([general.code, command.code]).toEqual([0, 0]);
    expect(general.out).toContain('Changes take effect within 10 s');
    expect(command.out).toContain('Usage: pnpm stores rotate-key');
  });
});

describe('connectStage()', () => {
  it('finds the local stack of LOCAL_STACK_BASE_PORT, as pnpm dlq and pnpm status do', async () => {
    const connecting = connectStage({ stage: 'local', env: { LOCAL_STACK_BASE_PORT: '47000' } });

    await expect(connecting).rejects.toThrow('stack-47000');
  });
});

describe('apiGatewayKeys()', () => {
  const fakeClients = (options: { failPlanKey?: boolean } = {}) => {
    const calls: Array<{ command: string; input: Record<string, unknown> }> = [];
    const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      calls.push({ command: command.constructor.name, input: command.input });
      switch (command.constructor.name) {
        case 'ListExportsCommand':
          return { Exports: [{ Name: usagePlanExport('prod'), Value: 'plan-123' }] };
        case 'CreateApiKeyCommand':
          return { id: 'key-id-1', value: 'generated-value-0123456789' };
        case 'CreateUsagePlanKeyCommand':
          if (options.failPlanKey) throw new Error('TooManyRequestsException');
          return {};
        default:
          return {};
      }
    };
    return { calls, client: { send } as never };
  };

  it("creates the store's own key in the stage's stores usage plan", async () => {
    const { calls, client } = fakeClients();

    const key = await apiGatewayKeys(client, client, 'prod').issue({ storeId: 7, name: 'St James' });

    expect(key).toEqual({ apiKeyId: 'key-id-1', value: 'generated-value-0123456789' });
    expect(calls.map((call) => call.command)).toEqual([
      'ListExportsCommand',
      'CreateApiKeyCommand',
      'CreateUsagePlanKeyCommand',
    ]);
    expect(calls[1]?.input).toEqual(expect.objectContaining({ enabled: true }));
    expect(calls[2]?.input).toEqual({ usagePlanId: 'plan-123', keyId: 'key-id-1', keyType: 'API_KEY' });
  });

  it('deletes the new key again when it cannot join the plan', async () => {
    const { calls, client } = fakeClients({ failPlanKey: true });

    await expect(
      apiGatewayKeys(client, client, 'prod').issue({ storeId: 7, name: 'St James' }),
    ).rejects.toThrow('TooManyRequests');
    expect(calls.at(-1)).toEqual({ command: 'DeleteApiKeyCommand', input: { apiKey: 'key-id-1' } });
  });

  it('retires a key by deleting it from API Gateway', async () => {
    const { calls, client } = fakeClients();

    await apiGatewayKeys(client, client, 'prod').retire('key-id-0');

    expect(calls).toEqual([{ command: 'DeleteApiKeyCommand', input: { apiKey: 'key-id-0' } }]);
  });
});

describe('pnpm stores, as a program run from the repository root', () => {
  const pnpm = (...args: string[]) =>
    promisify(execFile)('pnpm', ['--silent', 'stores', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, STACK_FILE: '/nonexistent/stack.json' },
    }).then(
      () => 0,
      (error: { code?: number }) => error.code,
    );

  it('keeps its exit codes: 2 for bad arguments, 1 when the local stack is not running, 0 for --help', async () => {
    expect(await pnpm('frobnicate')).toBe(2);
    expect(await pnpm('list')).toBe(1);
    expect(await pnpm('--help')).toBe(0);
  }, 60_000);
});
