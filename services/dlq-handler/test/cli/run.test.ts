import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXED_NOW } from '@order-pipeline/common/testing';
import type { CommandClients } from '../../src/cli/clients';
import { runCli } from '../../src/cli/run';
import type { StageTarget } from '../../src/cli/stage';
import type { DeadLetter } from '../../src/deadLetter';
import { aDeadLetter, memoryDeadLetters, recordingOutput, recordingQueue } from '../support/fakes';

const cli = (deadLetters: readonly DeadLetter[] = [], options: { failSend?: boolean } = {}) => {
  const store = memoryDeadLetters(deadLetters);
  const queue = recordingQueue(() => options.failSend === true);
  const output = recordingOutput();
  const targets: StageTarget[] = [];
  let closed = 0;
  const connect = (target: StageTarget): CommandClients => {
    targets.push(target);
    return { deadLetters: store.store, ordersQueue: queue.queue, close: () => closed++ };
  };
  const run = (...argv: string[]) =>
    runCli(argv, { output: output.output, connect, clock: () => FIXED_NOW, env: {} });
  return { run, store, queue, output, targets, closed: () => closed };
};

describe('pnpm dlq', () => {
  describe('arguments', () => {
    it('prints the error and the command usage on bad arguments, and exits 2', async () => {
      const { run, output, targets } = cli();

      const code = await run('list', '--class', 'lost');

      expect(code).toBe(2);
      expect(output.errors()).toContain('error: --class must be one of');
      expect(output.errors()).toContain('Usage: pnpm dlq list');
      expect(targets).toEqual([]);
    });

    it('prints the general usage for a missing command', async () => {
      const { run, output } = cli();

      expect(await run()).toBe(2);
      expect(output.errors()).toContain('Usage: pnpm dlq <command>');
    });

    it('prints a command help on stdout and exits 0', async () => {
      const { run, output } = cli();

      expect(await run('redrive', '--help')).toBe(0);
      expect(output.text()).toContain('--max-redrives <n>');
    });
  });

  describe('stages', () => {
    it('explains that the local stack is not running when its stack file is missing', async () => {
      const output = recordingOutput();
      const connect = jest.fn();

      const code = await runCli(['list'], {
        output: output.output,
        connect,
        stackFile: '/nonexistent/stack.json',
      });

      expect(code).toBe(1);
      expect(output.errors()).toContain(
        'the local stack is not running: /nonexistent/stack.json does not exist',
      );
      expect(connect).not.toHaveBeenCalled();
    });

    it('reads the local stack file for endpoints, table and queue', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dlq-cli-'));
      try {
        const stackFile = join(dir, 'stack.json');
        await writeFile(
          stackFile,
          JSON.stringify({
            stage: 'local',
            region: 'eu-west-1',
            sqsEndpoint: 'http://127.0.0.1:4001',
            dynamoEndpoint: 'http://127.0.0.1:4002',
            queues: { OrdersQueue: { url: 'http://127.0.0.1:4001/000000000000/q', arn: 'arn', name: 'q' } },
            tables: { OrdersTable: 'orders', DeadLettersTable: 'dead-letters' },
          }),
        );
        const { targets, output } = cli();
        const connect = (target: StageTarget): CommandClients => {
          targets.push(target);
          return {
            deadLetters: memoryDeadLetters().store,
            ordersQueue: recordingQueue().queue,
            close: () => undefined,
          };
        };

        const code = await runCli(['list'], { output: output.output, connect, stackFile });

        expect(code).toBe(0);
        expect(targets).toEqual([
          {
            stage: 'local',
            region: 'eu-west-1',
            deadLettersTable: 'dead-letters',
            ordersQueue: { url: 'http://127.0.0.1:4001/000000000000/q' },
            local: { sqsEndpoint: 'http://127.0.0.1:4001', dynamoEndpoint: 'http://127.0.0.1:4002' },
          },
        ]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("derives a deployed stage's names and closes its clients", async () => {
      const { run, targets, closed } = cli();

      await run('list', '--stage', 'prod', '--region', 'eu-central-1');

      expect(targets).toEqual([
        {
          stage: 'prod',
          region: 'eu-central-1',
          deadLettersTable: 'order-pipeline-prod-dead-letters',
          ordersQueue: { name: 'order-pipeline-prod-orders' },
        },
      ]);
      expect(closed()).toBe(1);
    });
  });

  describe('list', () => {
    const deadLetters = [
      aDeadLetter({
        messageId: 'm-old',
        archivedAt: '2026-11-20T00:00:00.000Z',
        classification: 'unparseable',
      }),
      aDeadLetter({
        messageId: 'm-9',
        archivedAt: '2026-11-22T09:00:00.000Z',
        storeId: 9,
        classification: 'store-not-open',
      }),
      aDeadLetter({ messageId: 'm-7', archivedAt: '2026-11-22T10:00:00.000Z', storeId: 7 }),
      aDeadLetter({ messageId: 'm-done', archivedAt: '2026-11-22T11:00:00.000Z', status: 'REDRIVEN' }),
    ];

    it('masks an orderId that carries personal data, in the table and as JSON', async () => {
      const { run, output } = cli([aDeadLetter({ orderId: '4111111111111111' })]);

      await run('list', '--stage', 'test');
      await run('list', '--stage', 'test', '--json');

      expect(output.text()).toContain('****1111');
      expect(output.text()).not.toContain('4111111111111111');
    });

    it('prints a table of every dead letter, oldest first, without bodies', async () => {
      const { run, output } = cli(deadLetters);

      expect(await run('list', '--stage', 'test')).toBe(0);

      expect(output.out[0]).toMatch(
        /^MESSAGE ID\s+ARCHIVED AT\s+CLASS\s+STATUS\s+STORE\s+ORDER\s+RECEIVES\s+REDRIVES$/,
      );
      expect(output.out.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([
        'm-old',
        'm-9',
        'm-7',
        'm-done',
      ]);
      expect(output.text()).not.toContain('ada@example.com');
      expect(output.errors()).toContain('4 dead letters');
    });

    it.each([
      [['--class', 'store-not-open'], ['m-9']],
      [
        ['--store', '7'],
        ['m-old', 'm-7', 'm-done'],
      ],
      [
        ['--since', '2026-11-22T09:30:00Z'],
        ['m-7', 'm-done'],
      ],
      [
        ['--until', '2026-11-22T10:00:00Z'],
        ['m-old', 'm-9'],
      ],
      [['--status', 'REDRIVEN'], ['m-done']],
      [['--store', '7', '--status', 'ARCHIVED', '--since', '2026-11-21'], ['m-7']],
    ])('filters with %j', async (filters, expected) => {
      const { run, output } = cli(deadLetters);

      await run('list', '--stage', 'test', '--json', ...filters);

      const listed = JSON.parse(output.text()) as { messageId: string }[];
      expect(listed.map((row) => row.messageId)).toEqual(expected);
    });

    it('says so when nothing matches', async () => {
      const { run, output } = cli(deadLetters);

      expect(await run('list', '--stage', 'test', '--class', 'invalid-order')).toBe(0);
      expect(output.out).toEqual([]);
      expect(output.errors()).toContain('no dead letters match');
    });
  });

  describe('show', () => {
    it('prints the whole record with the body indented and personal data masked', async () => {
      const { run, output } = cli([aDeadLetter()]);

      expect(await run('show', 'm-1', '--stage', 'test')).toBe(0);

      const text = output.text();
      expect(text).toContain('classification: retries-exhausted');
      expect(text).toContain(
        'sourceQueueArn: arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders',
      );
      expect(text).toContain('  store_id (Number): 7');
      expect(text).toContain('  "orderId": "ord-1"');
      expect(text).toContain('"email": "a***@example.com"');
      expect(text).not.toContain('ada@example.com');
      expect(text).not.toContain('Ada Lovelace');
      expect(output.errors()).toContain('--unmask');
    });

    it('withholds a body that is not JSON unless --unmask, and masks what the attributes carry', async () => {
      const body = 'Zebulon Quackenbush|SSN 078-05-1120|DOB 1985-04-12';
      const deadLetter = aDeadLetter({
        body,
        messageAttributes: { correlation_id: { dataType: 'String', stringValue: 'ssn:078-05-1120' } },
      });
      const masked = cli([deadLetter]);
      const unmasked = cli([deadLetter]);

      await masked.run('show', 'm-1', '--stage', 'test');
      await unmasked.run('show', 'm-1', '--stage', 'test', '--unmask');

      expect(masked.output.text()).toContain(`(not JSON, ${body.length} bytes: withheld; --unmask shows it)`);
      expect(masked.output.text()).toContain('correlation_id (String): ssn:***-**-1120');
      expect(masked.output.text()).not.toContain('Zebulon');
      expect(unmasked.output.text()).toContain(body);
    });

    it('shows personal data with --unmask', async () => {
      const { run, output } = cli([aDeadLetter()]);

      await run('show', 'm-1', '--stage', 'test', '--unmask');

      expect(output.text()).toContain('"email": "ada@example.com"');
      expect(output.text()).toContain('"name": "Ada Lovelace"');
    });

    it('exits 1 for an unknown message id', async () => {
      const { run, output } = cli();

      expect(await run('show', 'm-404', '--stage', 'test')).toBe(1);
      expect(output.errors()).toContain('no dead letter with message id m-404');
    });
  });

  describe('redrive', () => {
    it('re-sends with the original attributes, trace header and redrive_count, and marks it REDRIVEN', async () => {
      const original = aDeadLetter({ redriveCount: 1 });
      const { run, queue, store, output } = cli([original]);

      const code = await run('redrive', '--stage', 'test', '--message-id', 'm-1');

      expect(code).toBe(0);
      expect(queue.sent).toEqual([
        {
          body: original.body,
          traceHeader: original.traceHeader,
          attributes: {
            store_id: { DataType: 'Number', StringValue: '7' },
            content_type: { DataType: 'String', StringValue: 'application/json; schema=order.v1' },
            correlation_id: { DataType: 'String', StringValue: 'corr-0001' },
            producer: { DataType: 'String', StringValue: 'test' },
            redrive_count: { DataType: 'Number', StringValue: '2' },
          },
        },
      ]);
      expect(store.items.get('m-1')).toEqual(
        expect.objectContaining({
          status: 'REDRIVEN',
          redriveCount: 2,
          redrivenAt: FIXED_NOW.toISOString(),
          redrivenMessageId: 'redriven-1',
        }),
      );
      expect(output.out.at(-1)).toBe('redriven 1, refused 0, failed 0');
    });

    it('refuses a message already redriven the maximum number of times', async () => {
      const { run, queue, store, output } = cli([aDeadLetter({ redriveCount: 3 })]);

      const code = await run('redrive', '--stage', 'test', '--message-id', 'm-1');

      expect(code).toBe(0);
      expect(queue.sent).toEqual([]);
      expect(store.items.get('m-1')?.status).toBe('ARCHIVED');
      expect(output.text()).toContain('refused   m-1: redriven 3 times already (maximum 3');
      expect(output.out.at(-1)).toBe('redriven 0, refused 1, failed 0');
    });

    it('lets --max-redrives raise the maximum', async () => {
      const { run, queue } = cli([aDeadLetter({ redriveCount: 3 })]);

      await run('redrive', '--stage', 'test', '--message-id', 'm-1', '--max-redrives', '4');

      expect(queue.sent).toHaveLength(1);
    });

    it('refuses a dead letter that was already redriven', async () => {
      const { run, queue, output } = cli([aDeadLetter({ status: 'REDRIVEN', redrivenMessageId: 'x-1' })]);

      await run('redrive', '--stage', 'test', '--message-id', 'm-1');

      expect(queue.sent).toEqual([]);
      expect(output.text()).toContain('refused   m-1: already redriven');
    });

    it('sends and changes nothing on --dry-run', async () => {
      const { run, queue, store, output } = cli([
        aDeadLetter(),
        aDeadLetter({ messageId: 'm-2', redriveCount: 3 }),
      ]);

      const code = await run('redrive', '--stage', 'test', '--all-retries-exhausted', '--dry-run');

      expect(code).toBe(0);
      expect(queue.sent).toEqual([]);
      expect([...store.items.values()].map((item) => item.status)).toEqual(['ARCHIVED', 'ARCHIVED']);
      expect(output.text()).toContain('would redrive m-1');
      expect(output.out.at(-1)).toBe('dry run, nothing sent: would redrive 1, refused 1, failed 0');
    });

    it('skips already-processed dead letters with --all-retries-exhausted; list --class shows them', async () => {
      const { run, queue, output } = cli([
        aDeadLetter({ messageId: 'stuck', classification: 'retries-exhausted' }),
        aDeadLetter({ messageId: 'copy', classification: 'already-processed' }),
      ]);

      await run('redrive', '--stage', 'test', '--all-retries-exhausted');
      const redriven = queue.sent.length;
      output.out.length = 0;
      await run('list', '--stage', 'test', '--json', '--class', 'already-processed');

      expect(redriven).toBe(1);
      expect((JSON.parse(output.text()) as { messageId: string }[]).map((row) => row.messageId)).toEqual([
        'copy',
      ]);
    });

    it('redrives every ARCHIVED dead letter of a class, and only those', async () => {
      const { run, queue } = cli([
        aDeadLetter({ messageId: 'a', classification: 'store-not-open' }),
        aDeadLetter({ messageId: 'b', classification: 'store-not-open', status: 'REDRIVEN' }),
        aDeadLetter({ messageId: 'c', classification: 'unparseable' }),
      ]);

      await run('redrive', '--stage', 'test', '--class', 'store-not-open');

      expect(queue.sent).toHaveLength(1);
    });

    it('counts unknown ids and failed sends as failed, leaves them ARCHIVED, and exits 1', async () => {
      const { run, store, output } = cli([aDeadLetter()], { failSend: true });

      const code = await run('redrive', '--stage', 'test', '--message-id', 'm-1', '--message-id', 'm-404');

      expect(code).toBe(1);
      expect(store.items.get('m-1')?.status).toBe('ARCHIVED');
      expect(output.errors()).toContain('failed    m-1: SendMessage refused');
      expect(output.errors()).toContain('failed    m-404: no such dead letter');
      expect(output.out.at(-1)).toBe('redriven 0, refused 0, failed 2');
    });

    it('reports a dead letter someone else redrove meanwhile as failed, naming the message it sent', async () => {
      const { run, store, queue, output } = cli([aDeadLetter()]);
      // Another redrive marks it between this one's send and its mark.
      store.store.markRedriven = async () => 'not-archived';

      const code = await run('redrive', '--stage', 'test', '--message-id', 'm-1');

      expect(code).toBe(1);
      expect(queue.sent).toHaveLength(1);
      expect(output.errors()).toContain(
        'failed    m-1: sent as redriven-1, but someone else redrove it meanwhile',
      );
    });

    it('refuses to send more attributes than SQS accepts, as a failure', async () => {
      const crowded = Object.fromEntries(
        Array.from({ length: 10 }, (_, index) => [`a${index}`, { dataType: 'String', stringValue: 'x' }]),
      );
      const { run, queue } = cli([aDeadLetter({ messageAttributes: crowded })]);

      expect(await run('redrive', '--stage', 'test', '--message-id', 'm-1')).toBe(1);
      expect(queue.sent).toEqual([]);
    });
  });
});
