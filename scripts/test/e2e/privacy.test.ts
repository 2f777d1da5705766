import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { queueOf, stackFile as stackFileIn } from '@order-pipeline/local-aws/stack-file';
import fc from 'fast-check';
import { cardNumber, email, forbiddenForms, iban, phone, ssn } from '../personalData';
import { type E2e, eventually, orderRequest, startE2e } from './harness';

// Legacy producers' messages, full of personal data, sent straight to SQS with no store_id: they must
// end as dead letters, and nothing the stack writes or its tools print may hold any planted value.
jest.setTimeout(420_000);

const SEED = Number(process.env.FAST_CHECK_SEED ?? 20261125);
const sample = <T>(arbitrary: fc.Arbitrary<T>): T => {
  const [value] = fc.sample(arbitrary, { seed: SEED, numRuns: 1 });
  if (value === undefined) throw new Error('no sample');
  return value;
};

const planted = {
  fullName: 'Zebulon Quackenbush',
  ssn: '078-05-1120',
  ssnUndashed: '219099999',
  dob: '1985-04-12',
  mobile: '+1 415 555 0123',
  address: '12 Quackenbush Lane',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
  taxNo: '12/345/67890',
  email: sample(email),
  generatedCard: sample(cardNumber),
  generatedIban: sample(iban),
  generatedSsn: sample(ssn),
  generatedPhone: sample(phone),
  skuCard: '5500005555555559',
  skuSsn: '123-45-6789',
  correlationSsn: 'ssn:078-05-1120',
  otherName: 'Philomena Cunningham',
};

const legacyMessages = [
  {
    orderId: 'legacy-json-1',
    body: JSON.stringify({
      orderId: 'legacy-json-1',
      full_nm: planted.fullName,
      ssn_no: planted.ssnUndashed,
      dob: planted.dob,
      mobile_no: planted.mobile,
      addr_ln_1: planted.address,
      card_no: planted.card,
      iban: planted.iban,
      tax_no: planted.taxNo,
      contact: planted.email,
      notes: `paid with ${planted.generatedCard} from ${planted.generatedIban}, ssn ${planted.generatedSsn}, call ${planted.generatedPhone}`,
    }),
  },
  {
    orderId: undefined,
    body: `${planted.otherName}|SSN ${planted.ssn}|DOB ${planted.dob}|mobile ${planted.mobile}`,
  },
  {
    orderId: 'legacy-sku-1',
    body: JSON.stringify({
      ...orderRequest(3),
      orderId: 'legacy-sku-1',
      items: [
        { sku: planted.skuCard, quantity: 1, unitPriceCents: 100 },
        { sku: planted.skuSsn, quantity: 1, unitPriceCents: 100 },
      ],
    }),
  },
];

// The programs `pnpm dlq` and `pnpm traces` run, started directly (no pnpm needed on PATH).
const PROGRAMS = {
  dlq: join(REPO_ROOT, 'services', 'dlq-handler', 'src', 'cli', 'main.ts'),
  traces: join(REPO_ROOT, 'scripts', 'traces', 'cli.ts'),
};
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

const run = async (program: keyof typeof PROGRAMS, args: string[], stackFile: string): Promise<string> => {
  const { stdout, stderr } = await promisify(execFile)(TSX, [PROGRAMS[program], ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, STACK_FILE: stackFile },
    maxBuffer: 64 * 1024 * 1024,
  });
  return `${stdout}\n${stderr}`;
};

describe('personal data in legacy messages, end to end', () => {
  let e2e: E2e | undefined;
  const consoleLines: string[] = [];

  afterAll(async () => {
    await e2e?.stop();
  });

  it('dead-letters every legacy message and renders none of the planted values anywhere', async () => {
    // Every line the stack would print (as `pnpm start --verbose` does, noise included).
    e2e = await startE2e({ output: (source, line) => consoleLines.push(`${source} ${line}`) });
    const { info } = e2e.stack;
    const stackFile = stackFileIn(dirname(info.logsDir));
    const refused = await e2e.post('/orders', orderRequest(3), {
      'x-correlation-id': planted.correlationSsn,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('x-correlation-id');

    const messageIds: string[] = [];
    for (const message of legacyMessages) {
      const sent = await e2e.sqs.send(
        new SendMessageCommand({
          QueueUrl: queueOf(info, 'OrdersQueue').url,
          MessageBody: message.body,
          MessageAttributes: {
            correlation_id: { DataType: 'String', StringValue: planted.correlationSsn },
            producer: { DataType: 'String', StringValue: 'legacy-pos' },
          },
        }),
      );
      messageIds.push(sent.MessageId ?? '');
    }

    const deadLetters = await eventually(
      'every legacy message to be dead-lettered',
      async () => {
        const all = (await e2e?.deadLetters()) ?? [];
        const ours = all.filter((item) => messageIds.includes(String(item.messageId)));
        return ours.length === messageIds.length ? ours : undefined;
      },
      90_000,
    );
    expect(deadLetters.map((item) => item.classification).sort()).toEqual([
      'missing-store-id',
      'missing-store-id',
      'unparseable',
    ]);

    const outputs: Record<string, string> = {
      'pnpm dlq list': await run('dlq', ['list'], stackFile),
      'pnpm dlq list --json': await run('dlq', ['list', '--json'], stackFile),
      'pnpm traces': await run('traces', [], stackFile),
      'pnpm traces --json': await run('traces', ['--json'], stackFile),
    };
    for (const item of deadLetters) {
      const messageId = String(item.messageId);
      outputs[`pnpm dlq show ${messageId}`] = await run('dlq', ['show', messageId], stackFile);
      if (typeof item.traceId === 'string') {
        outputs[`pnpm traces ${item.traceId}`] = await run('traces', [item.traceId], stackFile);
      }
    }
    expect(outputs['pnpm dlq list']).toContain(messageIds[0]);
    // --unmask keeps working: the operator who asks sees the record as stored.
    const unmasked = await run('dlq', ['show', messageIds[0] ?? '', '--unmask'], stackFile);
    expect(unmasked).toContain(planted.fullName);

    outputs.traces = await readFile(info.tracesFile, 'utf8');
    for (const file of await readdir(info.logsDir)) {
      outputs[`.local/logs/${file}`] = await readFile(join(info.logsDir, file), 'utf8');
    }
    outputs.console = consoleLines.join('');

    // Local surfaces: no service opened serverless-offline's keyless Lambda invoke API, and the API
    // answers no CORS preflight from an origin serverless.yml does not list.
    for (const [where, text] of Object.entries(outputs)) {
      if (where.startsWith('.local/logs/')) expect(text).not.toContain('for lambda');
    }
    const preflight = await fetch(`${info.apiBaseUrl}/orders`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const values = Object.values(planted).filter((value) => value !== planted.correlationSsn);
    for (const [where, text] of Object.entries(outputs)) {
      for (const value of [...values, planted.correlationSsn]) {
        for (const form of forbiddenForms(value)) {
          if (text.includes(form))
            throw new Error(`${where} holds the planted value ${JSON.stringify(form)}`);
        }
      }
    }
    expect(outputs.console).toContain('order-consumer');
  });
});
