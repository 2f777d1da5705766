import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEAD_LETTER_CLASS } from '@order-pipeline/common';
import { type LocalAws, startLocalAws, writeTestStackFile } from '@order-pipeline/local-aws';
import type { StackInfo } from '@order-pipeline/local-aws/stack-file';
import { DEAD_LETTER_STATUS, type DeadLetter } from '../../services/dlq-handler/src/deadLetter';
import { type DeadLetterStore, deadLetterTable } from '../../services/dlq-handler/src/deadLetterTable';
import { createConsoleApi } from '../local-stack/consoleApi';
import { buildConsolePage } from '../local-stack/consolePage';
import { type ConsoleServer, startConsoleServer } from '../local-stack/consoleServer';
import type { SegmentDocument } from '../traces/traceTree';
import { bearer, call, TOKEN } from './consoleHttp';

// The console's API over HTTP against the embedded SQS and DynamoDB, with `pnpm dlq`'s own code
// behind it: what it masks, what a redrive sends, and what it refuses.

const TRACE_ID = '1-67a0b1c2-0123456789abcdef01234567';
const PERSONAL = ['Ada Lovelace', 'ada@example.com', '+44 20 7946 0958', '12 St James Square'];

const customer = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+44 20 7946 0958',
  address: { line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
};

const deadLetter = (messageId: string, overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  messageId,
  status: DEAD_LETTER_STATUS.archived,
  classification: DEAD_LETTER_CLASS.storeNotOpen,
  reason: 'store 9 is not open',
  body: JSON.stringify({ orderId: `ord-${messageId}`, storeId: 9, currency: 'EUR', customer, items: [] }),
  messageAttributes: {
    store_id: { dataType: 'Number', stringValue: '9' },
    content_type: { dataType: 'String', stringValue: 'application/json; schema=order.v1' },
    correlation_id: { dataType: 'String', stringValue: `corr-${messageId}` },
    producer: { dataType: 'String', stringValue: 'test' },
  },
  traceHeader: `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`,
  traceId: TRACE_ID,
  sourceQueueArn: 'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders',
  receiveCount: 5,
  lastReceivedAt: '2026-11-26T00:00:05.000Z',
  archivedAt: '2026-11-26T00:00:05.000Z',
  storeId: 9,
  orderId: `ord-${messageId}`,
  redriveCount: 0,
  ...overrides,
});

const segment = (overrides: Partial<SegmentDocument> & Pick<SegmentDocument, 'id' | 'name'>) => ({
  trace_id: TRACE_ID,
  start_time: 1_790_000_000,
  end_time: 1_790_000_000.1,
  ...overrides,
});

describe('the console API, against the embedded SQS and DynamoDB', () => {
  let local: LocalAws;
  let dir: string;
  let server: ConsoleServer;
  let deadLetters: DeadLetterStore;
  let documents: DynamoDBDocumentClient;
  let info: StackInfo;

  beforeAll(async () => {
    local = await startLocalAws({ services: ['order-consumer', 'dlq-handler'] });
    dir = await mkdtemp(join(tmpdir(), 'console-api-'));
    const stackFile = await writeTestStackFile(local, dir);
    info = {
      ...(JSON.parse(await readFile(stackFile, 'utf8')) as StackInfo),
      tracesFile: join(dir, 'traces.jsonl'),
      status: 'up',
      pid: process.pid,
      startedAt: '2026-11-26T00:00:00.000Z',
      services: { 'order-consumer': { pid: null, state: 'restarting', restarts: 1, logFile: 'x.log' } },
    };
    documents = DynamoDBDocumentClient.from(local.dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    });
    deadLetters = deadLetterTable(documents, local.tables.DeadLettersTable ?? 'missing');
    server = await startConsoleServer({
      port: 0,
      token: TOKEN,
      page: await buildConsolePage(),
      openapiFile: join(dir, 'openapi.json'),
      api: createConsoleApi({
        info: () => info,
        stackFile,
        oldestSentTimestamps: () => local.oldestSentTimestamps(),
      }),
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await local?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string) => call(server.port, path, { headers: bearer() });
  const redrive = (messageIds: string[], dryRun = false) =>
    call(server.port, '/api/redrive', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: JSON.stringify({ messageIds, dryRun }),
    });
  const ordersQueueDepth = async () => {
    const { Attributes } = await local.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: local.queues.OrdersQueue?.url,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages);
  };
  const outputOf = (answer: { json: () => Record<string, unknown> }) =>
    (answer.json().lines as Array<{ text: string }>).map((line) => line.text).join('\n');

  it('lists the dead letters as pnpm dlq list --json does, personal data masked', async () => {
    await deadLetters.archive(deadLetter('dl-list', { orderId: 'ada@example.com' }));

    const answer = await get('/api/dead-letters');

    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          messageId: 'dl-list',
          classification: DEAD_LETTER_CLASS.storeNotOpen,
          storeId: 9,
          orderId: 'a***@example.com',
          receiveCount: 5,
          archivedAt: '2026-11-26T00:00:05.000Z',
        }),
      ]),
    );
    for (const value of PERSONAL) expect(answer.text).not.toContain(value);
  });

  it('shows one dead letter whole, as pnpm dlq show does, personal data masked', async () => {
    await deadLetters.archive(deadLetter('dl-show'));

    const answer = await get('/api/dead-letters/dl-show');
    const shown = outputOf(answer);

    expect(answer.json().exitCode).toBe(0);
    expect(shown).toContain('messageId: dl-show');
    expect(shown).toContain('a***@example.com');
    for (const value of PERSONAL) expect(answer.text).not.toContain(value);
  });

  it('redrives nothing on a dry run, and says what it would redrive', async () => {
    await deadLetters.archive(deadLetter('dl-dry'));

    const answer = await redrive(['dl-dry'], true);

    expect(outputOf(answer)).toContain('would redrive dl-dry (store-not-open, redrive 1)');
    expect(outputOf(answer)).toContain('dry run, nothing sent: would redrive 1, refused 0, failed 0');
    expect(await ordersQueueDepth()).toBe(0);
    expect((await deadLetters.get('dl-dry'))?.status).toBe('ARCHIVED');
  });

  it('redrives a selection through pnpm dlq redrive: sends the archived one, refuses and reports the others', async () => {
    await deadLetters.archive(deadLetter('dl-go'));
    await deadLetters.archive(deadLetter('dl-spent', { redriveCount: 3 }));

    const answer = await redrive(['dl-go', 'dl-spent', 'dl-absent']);
    const output = outputOf(answer);

    expect(answer.json().exitCode).toBe(1);
    expect(output).toMatch(/redriven {2}dl-go -> \S+ \(redrive 1\)/);
    expect(output).toContain('refused   dl-spent: redriven 3 times already (maximum 3, see --max-redrives)');
    expect(output).toContain('failed    dl-absent: no such dead letter');
    expect(output).toContain('redriven 1, refused 1, failed 1');
    const { Messages = [] } = await local.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: local.queues.OrdersQueue?.url,
        MessageAttributeNames: ['All'],
        AttributeNames: ['All'],
      }),
    );
    expect(Messages).toHaveLength(1);
    expect(Messages[0]?.MessageAttributes?.redrive_count?.StringValue).toBe('1');
    expect(Messages[0]?.Attributes?.AWSTraceHeader).toContain(TRACE_ID);
    expect(await deadLetters.get('dl-go')).toEqual(expect.objectContaining({ status: 'REDRIVEN' }));
  });

  it('refuses to redrive a dead letter a second time', async () => {
    const answer = await redrive(['dl-go']);

    expect(outputOf(answer)).toMatch(/refused {3}dl-go: already redriven at \S+ as \S+/);
    expect(answer.json().exitCode).toBe(0);
  });

  it('takes a selected message id that looks like an option as an id, never as an option of pnpm dlq', async () => {
    const shown = await get('/api/dead-letters/--unmask');
    const redriven = await redrive(['--all-retries-exhausted', '--unmask'], true);

    expect(outputOf(shown)).toContain('no dead letter with message id --unmask');
    expect(outputOf(redriven)).toContain('failed    --all-retries-exhausted: no such dead letter');
    expect(outputOf(redriven)).toContain('would redrive 0, refused 0, failed 2');
    expect((await deadLetters.get('dl-dry'))?.status).toBe('ARCHIVED');
  });

  it('shows each queue with the age of its oldest message, and services and their restarts as pnpm status does', async () => {
    const answer = await get('/api/pipeline');
    const view = answer.json() as unknown as {
      queues: Array<{ id: string; visible: number; inFlight: number; oldestAgeSeconds: number | null }>;
      deadLetters: { total: number };
      services: Record<string, { restarts: number; state: string }>;
    };

    const ordersQueue = view.queues.find((queue) => queue.id === 'OrdersQueue');
    const deadLetterQueue = view.queues.find((queue) => queue.id === 'OrdersDeadLetterQueue');
    // The redriven message: received once above, in flight or visible again by now.
    expect((ordersQueue?.visible ?? 0) + (ordersQueue?.inFlight ?? 0)).toBe(1);
    expect(ordersQueue?.oldestAgeSeconds).toEqual(expect.any(Number));
    expect(deadLetterQueue?.oldestAgeSeconds).toBeNull();
    expect(view.deadLetters.total).toBe(5);
    expect(view.services['order-consumer']).toEqual(
      expect.objectContaining({ state: 'restarting', restarts: 1 }),
    );
  });

  it("looks up an order, masked, with its trace as a waterfall from the collector's file", async () => {
    await documents.send(
      new PutCommand({
        TableName: local.tables.OrdersTable,
        Item: {
          storeId: 9,
          orderId: 'ord-traced',
          status: 'PROCESSED',
          order: { orderId: 'ord-traced', storeId: 9, currency: 'EUR', customer, items: [] },
          traceId: TRACE_ID,
          updatedAt: '2026-11-26T00:00:01.000Z',
        },
      }),
    );
    const documentsOfTrace = [
      segment({
        id: 'a000000000000001',
        name: 'ingest-api',
        annotations: { orderId: 'ord-traced', storeId: 9 },
        subsegments: [
          {
            id: 'a000000000000002',
            name: 'SQS',
            aws: { operation: 'SendMessage' },
            start_time: 1_790_000_000.02,
            end_time: 1_790_000_000.05,
          },
        ],
      }),
      segment({
        id: 'b000000000000001',
        name: 'order-consumer',
        parent_id: 'a000000000000002',
        start_time: 1_790_000_000.5,
        end_time: 1_790_000_000.6,
        annotations: {
          orderId: 'ord-traced',
          storeId: 9,
          outcome: 'processed',
          customerEmail: 'ada@example.com',
        },
        subsegments: [
          {
            id: 'b000000000000002',
            name: 'DynamoDB',
            aws: { operation: 'PutItem' },
            start_time: 1_790_000_000.52,
            end_time: 1_790_000_000.58,
          },
        ],
      }),
    ];
    await writeFile(info.tracesFile, documentsOfTrace.map((document) => JSON.stringify(document)).join('\n'));

    const answer = await get('/api/orders/9/ord-traced');
    const view = answer.json() as unknown as {
      order: { status: string };
      traces: Array<{ traceId: string; totalMs: number; rows: Array<{ stage: string; label: string }> }>;
    };

    expect(answer.status).toBe(200);
    expect(view.order.status).toBe('PROCESSED');
    expect(view.traces.map((trace) => trace.traceId)).toEqual([TRACE_ID]);
    expect(view.traces[0]?.rows.map((row) => `${row.stage} ${row.label}`)).toEqual([
      'ingest ingest-api',
      'SQS SQS.SendMessage',
      'SQS waiting in the orders queue',
      'consumer order-consumer',
      'DynamoDB DynamoDB.PutItem',
    ]);
    expect(view.traces[0]?.totalMs).toBe(600);
    for (const value of PERSONAL) expect(answer.text).not.toContain(value);
  });

  it('answers 404 for an order the store does not have, though another store has one of that id', async () => {
    const answer = await get('/api/orders/8/ord-traced');

    expect(answer.status).toBe(404);
    expect(answer.json().traces).toEqual([]);
  });

  it('answers 404, not a failure of the orders table, for an order id no order can have (5,000 characters)', async () => {
    const answer = await get(`/api/orders/7/${'a'.repeat(5000)}`);

    expect(answer.status).toBe(404);
    expect(answer.json().order).toBeUndefined();
  });
});
