import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_STATE_DIR,
  defaultStackFile,
  queueOf,
  readStackInfo,
  StackFileError,
  type StackInfo,
  storeKeyOf,
  writeStackInfo,
} from '../src/stackFile';

const fileWith = async (content: string) => {
  const file = join(await mkdtemp(join(tmpdir(), 'stack-file-')), 'stack.json');
  await writeFile(file, content);
  return file;
};

describe('readStackInfo()', () => {
  it('says the stack is not running when the file is missing', async () => {
    await expect(readStackInfo('/nonexistent/stack.json')).rejects.toMatchObject({
      reason: 'missing',
      message: expect.stringContaining(
        'the local stack is not running: /nonexistent/stack.json does not exist',
      ),
    });
  });

  it.each([
    ['not JSON', '{oops', 'is not JSON'],
    ['without queues and tables', '{"stage":"local"}', 'has no queues or tables'],
  ])('refuses a file %s', async (_label, content, message) => {
    const file = await fileWith(content);

    const read = readStackInfo(file);

    await expect(read).rejects.toBeInstanceOf(StackFileError);
    await expect(read).rejects.toMatchObject({
      reason: 'invalid',
      message: expect.stringContaining(message),
    });
  });

  it('reads the queues the stack wrote', async () => {
    const queue = {
      name: 'q',
      url: 'http://127.0.0.1:1/000000000000/q',
      arn: 'arn:aws:sqs:eu-west-1:000000000000:q',
    };
    const file = await fileWith(
      JSON.stringify({ stage: 'local', queues: { OrdersQueue: queue }, tables: {} }),
    );

    const stack = await readStackInfo(file);

    expect(queueOf(stack, 'OrdersQueue')).toEqual(queue);
    expect(() => queueOf(stack, 'OtherQueue')).toThrow('the local stack has no queue OtherQueue');
  });
});

describe('writeStackInfo()', () => {
  it('writes a file only its owner can read: it holds the local API keys and the console token', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'stack-file-')), 'stack.json');
    const info = { stage: 'local', queues: {}, tables: {} } as unknown as StackInfo;

    await writeStackInfo(info, file);

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(info);
  });
});

describe('defaultStackFile()', () => {
  it('is .local/stack.json by default', () => {
    expect(defaultStackFile({})).toBe(join(DEFAULT_STATE_DIR, 'stack.json'));
  });

  it("is the stack file of LOCAL_STACK_BASE_PORT's stack, so two stacks never share one", () => {
    expect(defaultStackFile({ LOCAL_STACK_BASE_PORT: '24000' })).toBe(
      join(DEFAULT_STATE_DIR, 'stack-24000', 'stack.json'),
    );
  });

  it('is STACK_FILE when set', () => {
    expect(defaultStackFile({ STACK_FILE: '/tmp/x.json', LOCAL_STACK_BASE_PORT: '24000' })).toBe(
      '/tmp/x.json',
    );
  });
});

describe('storeKeyOf()', () => {
  it("answers a listed store's key, and names a store the stack does not list", async () => {
    const file = await fileWith(
      JSON.stringify({
        stage: 'local',
        queues: {},
        tables: {},
        stores: [{ storeId: 7, name: 'St James', status: 'open', apiKey: 'local-dev-key-0123456789abcdef' }],
      }),
    );

    const stack = await readStackInfo(file);

    expect(storeKeyOf(stack, 7)).toBe('local-dev-key-0123456789abcdef');
    expect(() => storeKeyOf(stack, 8)).toThrow('the local stack lists no API key for store 8');
  });
});
