import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, queueOf, readStackInfo, storeKeyOf } from '@order-pipeline/local-aws/stack-file';
import { produce, type Route } from './producer';
import { planTraffic } from './traffic';

const USAGE = `Usage: pnpm produce [--orders N] [--stores K] [--poison SHARE] [--via api|sqs] [--batch [--batch-size B]] [--concurrency C] [--json]

Sends store traffic to the running local stack (pnpm start): N orders spread over stores 1..K, a
SHARE (0..1) of them poison messages sent straight to the orders queue without the store_id
attribute, as a misbehaving producer would. Good orders go through the API (default) or straight
to SQS with every attribute and a trace header.

Options:
  --orders N        how many messages (default 100, at most 100000)
  --stores K        stores 1..K (default 5; the local stage opens stores 1..20, others are poison too)
  --poison SHARE    share of poison messages, 0..1 (default 0.1)
  --via api|sqs     route for good orders (default api)
  --batch           send good orders through POST /orders/batch instead of one POST each (--via api)
  --batch-size B    orders per POST /orders/batch (default 50, 1 to 100)
  --concurrency C   requests in flight (default 8, at most 64)
  --json            print the summary and every order id as JSON
  --help            show this help`;

class UsageError extends Error {}

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

export const main = async (argv: string[]): Promise<number> => {
  const { values } = parseArgs({
    args: argv,
    options: {
      orders: { type: 'string' },
      stores: { type: 'string' },
      poison: { type: 'string' },
      via: { type: 'string' },
      concurrency: { type: 'string' },
      batch: { type: 'boolean' },
      'batch-size': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
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
    process.stdout.write(`${JSON.stringify({ summary, results }, null, 2)}\n`);
  } else {
    process.stdout.write(
      `run ${runId}: ${summary.good} orders and ${summary.poison} poison messages sent via ${via}${batchSize ? ` (batches of ${batchSize})` : ''}, ${summary.failed} failed, ` +
        `in ${summary.seconds} s (${summary.perSecond}/s)\n`,
    );
    for (const failure of failed.slice(0, 10))
      process.stdout.write(`  failed ${failure.orderId}: ${failure.error}\n`);
    if (summary.poison > 0)
      process.stdout.write('Poison messages reach the DLQ after maxReceiveCount receives: pnpm dlq list\n');
  }
  return failed.length === 0 ? 0 : 1;
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const usage =
        error instanceof UsageError || String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS');
      process.stderr.write(
        `${error instanceof Error ? error.message : String(error)}${usage ? `\n\n${USAGE}` : ''}\n`,
      );
      process.exitCode = usage ? 2 : 1;
    },
  );
}
