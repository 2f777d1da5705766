import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, maskText } from '@order-pipeline/common';
import { captureOutput } from '@order-pipeline/common/testing';
import fc from 'fast-check';
import { listCommand } from '../../services/dlq-handler/src/cli/list';
import type { Output } from '../../services/dlq-handler/src/cli/output';
import { showCommand } from '../../services/dlq-handler/src/cli/show';
import type { DeadLetter } from '../../services/dlq-handler/src/deadLetter';
import { run as runTraces } from '../traces/cli';
import { forbiddenForms, objectAround, personalField, textAround, valueDetectable } from './personalData';

// Seeded, so that a failure replays; FAST_CHECK_SEED explores another part of the space.
const SEED = Number(process.env.FAST_CHECK_SEED ?? 20261125);
const RUNS = 150;

/** Known non-personal values that every rendering must keep readable. */
const readable = {
  errorName: 'ConditionalCheckFailedException',
  orderId: `ord-${randomUUID()}`,
  sku: 'TEA-001',
  queueName: 'order-pipeline-local-orders',
  messageId: randomUUID(),
  timestamp: '2026-11-25T21:37:47.123Z',
  traceId: '1-5759e988-bd862e3fe1be46a994272793',
};

/** A planted value and the form (object or text) it hides in. */
const planted = fc.oneof(
  personalField.chain(([key, value]) => objectAround(key, value).map((holder) => ({ value, holder }))),
  valueDetectable.chain((value) =>
    fc
      .tuple(fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/), textAround(value))
      .chain(([key, text]) => objectAround(key, text).map((holder) => ({ value, holder }))),
  ),
);

const expectHidden = (output: string, value: string) => {
  for (const form of forbiddenForms(value)) expect(output).not.toContain(form);
};

const expectReadable = (output: string, values: readonly string[]) => {
  for (const value of values) expect(output).toContain(value);
};

const captureLog = (write: () => void): string => {
  const output = captureOutput();
  const lines: string[] = [];
  const push = (line?: unknown) => {
    lines.push(String(line));
  };
  const spies = [
    jest.spyOn(console, 'info').mockImplementation(push),
    jest.spyOn(console, 'error').mockImplementation(push),
  ];
  try {
    write();
  } finally {
    output.restore();
    for (const spy of spies) spy.mockRestore();
  }
  return [...output.lines(), ...lines].join('\n');
};

const recording = () => {
  const lines: string[] = [];
  const output: Output = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
  return { output, text: () => lines.join('\n') };
};

const deadLetterWith = (body: string, correlationId: string, orderId: string): DeadLetter => ({
  messageId: readable.messageId,
  status: 'ARCHIVED',
  classification: 'missing-store-id',
  reason: 'message has no store_id attribute',
  body,
  messageAttributes: { correlation_id: { dataType: 'String', stringValue: correlationId } },
  traceId: readable.traceId,
  sourceQueueArn: `arn:aws:sqs:eu-west-1:000000000000:${readable.queueName}`,
  receiveCount: 3,
  lastReceivedAt: readable.timestamp,
  archivedAt: readable.timestamp,
  orderId,
  redriveCount: 0,
});

describe('redaction, with personal data planted in random places', () => {
  const logger = createLogger('property-test');

  it('keeps every planted value out of a log line and keeps the known ids readable', () => {
    fc.assert(
      fc.property(planted, valueDetectable, ({ value, holder }, echoed) => {
        const line = captureLog(() => {
          const error = new Error(`failed for ${echoed}`);
          error.name = readable.errorName;
          logger.error('record failed', {
            payload: holder,
            error,
            orderId: readable.orderId,
            messageId: readable.messageId,
            queue: { name: readable.queueName },
            items: [{ sku: readable.sku }],
            traceId: readable.traceId,
            at: readable.timestamp,
          });
        });
        expectHidden(line, value);
        expectHidden(line, echoed);
        expectReadable(line, [...Object.values(readable)]);
        expect(line).toContain(`"name":"${readable.errorName}"`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps every planted value out of pnpm dlq show and list', async () => {
    await fc.assert(
      fc.asyncProperty(planted, valueDetectable, fc.boolean(), async ({ value, holder }, other, json) => {
        const body = json ? JSON.stringify({ orderId: readable.orderId, ...holder }) : maskless(value);
        const deadLetter = deadLetterWith(body, `ssn:${other}`, other);
        const store = { get: async () => deadLetter, list: async () => [deadLetter] };
        const show = recording();
        const list = recording();

        await showCommand(
          { messageId: deadLetter.messageId, unmask: false },
          { deadLetters: store, output: show.output },
        );
        await listCommand({ filter: {}, json: false }, { deadLetters: store, output: list.output });
        await listCommand({ filter: {}, json: true }, { deadLetters: store, output: list.output });

        for (const text of [show.text(), list.text()]) {
          expectHidden(text, value);
          expectHidden(text, other);
        }
        expectReadable(show.text(), [
          readable.messageId,
          readable.traceId,
          readable.queueName,
          readable.timestamp,
        ]);
        expectReadable(list.text(), [readable.messageId, readable.timestamp]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps every planted value out of pnpm traces', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'traces-property-'));
    try {
      await fc.assert(
        fc.asyncProperty(valueDetectable, fc.boolean(), async (value, json) => {
          const file = join(dir, 'traces.jsonl');
          const segment = {
            id: '53995c3f42cd8ad8',
            trace_id: readable.traceId,
            name: 'order-consumer',
            start_time: 1764106667,
            end_time: 1764106667.05,
            error: true,
            annotations: { orderId: value, messageId: readable.messageId, correlationId: `c ${value}` },
            cause: { exceptions: [{ message: `bad ${value}`, type: readable.errorName }] },
          };
          await writeFile(file, `${JSON.stringify(segment)}\n`);
          const printed: string[] = [];

          await runTraces(['--file', file, ...(json ? ['--json'] : [])], (text) => printed.push(text));
          await runTraces(['--file', file, readable.traceId, ...(json ? ['--json'] : [])], (text) =>
            printed.push(text),
          );

          const text = printed.join('\n');
          expectHidden(text, value);
          expectReadable(text, [readable.traceId, 'order-consumer']);
        }),
        { seed: SEED, numRuns: 60 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves ordinary ids, skus, names of things and timestamps unchanged', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.stringMatching(/^[A-Z]{3}-[0-9]{3}$/),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (uuid, sku, date) => {
          for (const text of [
            uuid,
            `ord-${uuid}`,
            sku,
            date.toISOString(),
            readable.queueName,
            readable.traceId,
          ]) {
            expect(maskText(text)).toBe(text);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/** A legacy non-JSON body holding the value among labelled personal fields. */
const maskless = (value: string) => `LEGACY|name: Zebulon Quackenbush|ssn 078051120|dob 1985-04-12|${value}`;
