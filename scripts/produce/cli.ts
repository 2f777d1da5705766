import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EXIT, mainOf, type Output, type Program, UsageError, type Values } from '@order-pipeline/common/cli';
import { LOCAL_CREDENTIALS, queueOf, readStackInfo, storeKeyOf } from '@order-pipeline/local-aws/stack-file';
import { produce, type Route } from './producer';
import { planTraffic } from './traffic';

const OPTIONS = {
  orders: { type: 'string', value: 'N', help: 'how many messages (default 100, at most 100000)' },
  stores: {
    type: 'string',
    value: 'K',
    help: 'stores 1..K (default 5; the local stage opens stores 1..20, others are poison too)',
  },
  poison: { type: 'string', value: 'SHARE', help: 'share of poison messages, 0..1 (default 0.1)' },
  via: { type: 'string', value: 'api|sqs', help: 'route for good orders (default api)' },
  batch: {
    type: 'boolean',
    help: 'send good orders through POST /orders/batch instead of one POST each (--via api)',
  },
  'batch-size': { type: 'string', value: 'B', help: 'orders per POST /orders/batch (default 50, 1 to 100)' },
  concurrency: { type: 'string', value: 'C', help: 'requests in flight (default 8, at most 64)' },
  json: { type: 'boolean', help: 'print the summary and every order id as JSON' },
} as const;

export const produceCommand: Program<typeof OPTIONS> = {
  name: 'pnpm produce',
  description: `Sends store traffic to the running local stack (pnpm start): N orders spread over stores 1..K, a
SHARE (0..1) of them poison messages sent straight to the orders queue without the store_id
attribute, as a misbehaving producer would. Good orders go through the API (default) or straight
to SQS with every attribute and a trace header. A request answered 503 or 504 (or dropped) is sent
again with the same body, up to 3 times: each order carries its orderId, so a retry is a replay.`,
  options: OPTIONS,
  notes: 'Exit codes: 0 every message sent, 1 a send failed (or no stack is running), 2 usage.',
  run: ({ values }, output) => produceTraffic(values, output),
};

const number = (
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
};

const progressBar = (total: number) => {
  const tty = process.stderr.isTTY === true;
  let last = -1;
  return (done: number) => {
    const percent = Math.floor((done / total) * 100);
    if (percent === last && done !== total) return;
    last = percent;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
    if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
    else if (done === total || percent % 10 === 0) process.stderr.write(`${line}\n`);
  };
};

const produceTraffic = async (values: Values<typeof OPTIONS>, output: Output): Promise<number> => {
  const orders = Math.floor(number(values.orders, 'orders', 100, 1, 100_000));
  const stores = Math.floor(number(values.stores, 'stores', 5, 1, 10_000));
  const poisonShare = number(values.poison, 'poison', 0.1, 0, 1);
  const concurrency = Math.floor(number(values.concurrency, 'concurrency', 8, 1, 64));
  const via = (values.via ?? 'api') as Route;
  if (via !== 'api' && via !== 'sqs') throw new UsageError(`--via must be api or sqs, got "${values.via}"`);
  if (values['batch-size'] !== undefined && !values.batch) throw new UsageError('--batch-size needs --batch');
  if (values.batch && via !== 'api')
    throw new UsageError('--batch sends through the API: it needs --via api');
  const batchSize = values.batch
    ? Math.floor(number(values['batch-size'], 'batch-size', 50, 1, 100))
    : undefined;

  const stack = await readStackInfo();
  const sqs = new SQSClient({
    endpoint: stack.sqsEndpoint,
    region: stack.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const runId = `run${randomUUID().slice(0, 6)}`;
  const plan = planTraffic(orders, stores, poisonShare, runId);
  const started = Date.now();
  const results = await produce(
    plan,
    {
      route: via,
      concurrency,
      ...(batchSize === undefined ? {} : { batchSize }),
      onProgress: progressBar(plan.length),
    },
    {
      apiBaseUrl: stack.apiBaseUrl,
      apiKeyOf: (storeId) => storeKeyOf(stack, storeId),
      queueUrl: queueOf(stack, 'OrdersQueue').url,
      sqs,
    },
  );
  sqs.destroy();
  const seconds = (Date.now() - started) / 1000;
  const failed = results.filter((result) => !result.ok);
  const summary = {
    runId,
    sent: results.length - failed.length,
    good: results.filter((result) => result.ok && !result.poison).length,
    poison: results.filter((result) => result.ok && result.poison).length,
    failed: failed.length,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Number((results.length / seconds).toFixed(1)),
  };
  if (values.json) {
    output.out(JSON.stringify({ summary, results }, null, 2));
  } else {
    output.out(
      `run ${runId}: ${summary.good} orders and ${summary.poison} poison messages sent via ${via}${batchSize ? ` (batches of ${batchSize})` : ''}, ${summary.failed} failed, ` +
        `in ${summary.seconds} s (${summary.perSecond}/s)`,
    );
    for (const failure of failed.slice(0, 10)) output.out(`  failed ${failure.orderId}: ${failure.error}`);
    if (summary.poison > 0)
      output.out('Poison messages reach the DLQ after maxReceiveCount receives: pnpm dlq list');
  }
  return failed.length === 0 ? EXIT.ok : EXIT.failed;
};

if (require.main === module) mainOf(produceCommand);
