import { execFile, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { Order } from '@order-pipeline/common';
import { serviceDir } from '@order-pipeline/local-aws';
import { LOCAL_CREDENTIALS, type StackInfo, storeKeyOf } from '@order-pipeline/local-aws/stack-file';
import { planTraffic } from '../produce/traffic';
import type { StackProcessReady } from './stackProcess';
import { percentile, round } from './stats';

const run = promisify(execFile);

export interface LatencyFigures {
  orders: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface ThroughputFigures extends LatencyFigures {
  /** Requests in flight; with `ordersPerRequest` > 1, POST /orders/batch requests. */
  concurrency: number;
  ordersPerRequest: number;
  ordersPerSecond: number;
  /** Orders sent (202/accepted) and never PROCESSED within the wait: must be 0. */
  lost: number;
  /** Requests answered 5xx (e.g. a 504 while a worker cold-starts on a busy machine) and sent again. */
  retries: number;
  /** The same during the warm-up at this shape (cold workers: 504s from serverless-offline's timeout). */
  warmUpRetries?: number;
  /** Raw conditional puts per second measured just before this throughput run (the machine is shared). */
  rawPutsPerSecond: number;
  /** ordersPerSecond / rawPutsPerSecond. */
  ofRawPutRate: number;
  /** CPU milliseconds per order of each process of the stack, and of the load generator. */
  cpuMsPerOrder: Record<string, number>;
}

export interface EndToEndFigures {
  /** LOCAL_SQS_POLLERS_PER_EVENT of the run (pollers per sqs event). */
  pollersPerEvent: number;
  /** LOCAL_WORKERS_PER_FUNCTION of the run (ingest-api's worker threads per function; 0: no cap). */
  workersPerFunction?: number;
  /** The slowest essential part: dynalite conditional puts per second, 10 in flight, at the start. */
  rawConditionalPutsPerSecond: number;
  single: LatencyFigures;
  singlePosts: ThroughputFigures;
  batchedPosts: ThroughputFigures;
  singleUnpatched: LatencyFigures;
  patchSpeedup: number;
}

const ORDERS_PER_BATCH_REQUEST = 50;

interface Client {
  post(orders: readonly Order[]): Promise<void>;
  processedAt(order: Order): Promise<number | undefined>;
  /** processedAt of every PROCESSED order of a run, read in one scan of the table. */
  processedOfRun(runId: string): Promise<Map<string, number>>;
  destroy(): void;
}

const clientFor = (info: StackInfo): Client => {
  const dynamo = new DynamoDBClient({
    endpoint: info.dynamoEndpoint,
    region: info.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const documents = DynamoDBDocumentClient.from(dynamo);
  const table = info.tables.OrdersTable;
  if (!table) throw new Error('the stack has no OrdersTable');
  // The orders table's key attributes (orderId, and storeId if the table is keyed by store too).
  let keyNames: Promise<string[]> | undefined;
  const keyOf = async (order: Order) => {
    keyNames ??= dynamo
      .send(new DescribeTableCommand({ TableName: table }))
      .then(({ Table }) => (Table?.KeySchema ?? []).map(({ AttributeName }) => String(AttributeName)));
    const names = await keyNames;
    return Object.fromEntries(names.map((name) => [name, order[name as keyof Order]]));
  };
  return {
    async post(orders) {
      const batch = orders.length > 1;
      const response = await fetch(`${info.apiBaseUrl}/orders${batch ? '/batch' : ''}`, {
        method: 'POST',
        // Each request with its store's own key (a batch holds one store's orders).
        headers: {
          'content-type': 'application/json',
          'x-api-key': storeKeyOf(info, orders[0]?.storeId ?? 0),
        },
        body: JSON.stringify(batch ? { orders } : orders[0]),
      });
      if (response.status !== 202)
        throw new Error(`POST answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      await response.arrayBuffer();
    },
    async processedAt(order) {
      const found = await documents.send(new GetCommand({ TableName: table, Key: await keyOf(order) }));
      const item = found.Item as { status?: string; processedAt?: string } | undefined;
      return item?.status === 'PROCESSED' && item.processedAt ? Date.parse(item.processedAt) : undefined;
    },
    async processedOfRun(runId) {
      const processed = new Map<string, number>();
      const pages = paginateScan(
        { client: documents },
        {
          TableName: table,
          ProjectionExpression: 'orderId, #status, processedAt',
          FilterExpression: 'begins_with(orderId, :run) AND #status = :processed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':run': `${runId}-`, ':processed': 'PROCESSED' },
        },
      );
      for await (const page of pages) {
        for (const item of (page.Items ?? []) as { orderId: string; processedAt: string }[])
          processed.set(item.orderId, Date.parse(item.processedAt));
      }
      return processed;
    },
    destroy: () => dynamo.destroy(),
  };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const latencyFigures = (latencies: readonly number[]): LatencyFigures => ({
  orders: latencies.length,
  p50Ms: round(percentile(latencies, 50), 1),
  p95Ms: round(percentile(latencies, 95), 1),
  p99Ms: round(percentile(latencies, 99), 1),
});

/** POST one order at a time and wait for it: the latency a single order sees on an idle, warm stack. */
const singleOrderLatency = async (client: Client, samples: number): Promise<LatencyFigures> => {
  const latencies: number[] = [];
  for (const { order } of planTraffic(samples, 5, 0, `one${randomUUID().slice(0, 6)}`)) {
    const sentAt = Date.now();
    await client.post([order]);
    const deadline = sentAt + 60_000;
    let processedAt: number | undefined;
    while (processedAt === undefined) {
      if (Date.now() > deadline) throw new Error(`order ${order.orderId} was not PROCESSED within 60 s`);
      await pause(5);
      processedAt = await client.processedAt(order);
    }
    latencies.push(processedAt - sentAt);
  }
  return latencyFigures(latencies);
};

/** CPU time (ms) of processes, from /proc/<pid>/stat: utime + stime of every process matched. */
const cpuMsOf = async (matches: (pid: number, processGroup: number) => boolean, ticksPerSecond: number) => {
  let ticks = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces): state ppid pgrp ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length < 13 || !matches(Number(entry), Number(fields[2]))) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / ticksPerSecond;
};

interface RunningStack {
  info: StackInfo;
  /** CPU ms so far of each process of the stack, and of this (load-generating) process. */
  cpuMs(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const ticksPerSecond = async (): Promise<number> =>
  Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;

const startStackProcess = async (): Promise<RunningStack> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'order-pipeline-bench-'));
  const child = fork(join(__dirname, 'stackProcess.ts'), [stateDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<StackProcessReady>((resolve, reject) => {
    child.once('message', (message: StackProcessReady | { error: string }) =>
      'error' in message ? reject(new Error(message.error)) : resolve(message),
    );
    child.once('exit', (code) => reject(new Error(`the stack process exited (${code}) before it was ready`)));
  });
  const hz = await ticksPerSecond();
  const dataPlane = child.pid ?? -1;
  return {
    info: ready.info,
    async cpuMs() {
      const figures: Record<string, number> = {
        'data plane (embedded SQS, DynamoDB, X-Ray collector)': await cpuMsOf((pid) => pid === dataPlane, hz),
      };
      for (const { name, pid } of ready.services)
        figures[`${name} (sls offline and its workers)`] = await cpuMsOf((_, group) => group === pid, hz);
      const own = process.cpuUsage();
      figures['load generator (bench process)'] = (own.user + own.system) / 1000;
      return figures;
    },
    async stop() {
      child.send('stop');
      await exited;
      await rm(stateDir, { recursive: true, force: true });
    },
  };
};

/**
 * `count` orders through the API, `ordersPerRequest` a request (1: POST /orders, more: POST
 * /orders/batch), `concurrency` requests in flight. Latency is send to processedAt; throughput is
 * orders over the time from the first send to the last processedAt; completion is read in one scan.
 */
const throughput = async (
  stack: RunningStack,
  client: Client,
  options: { count: number; concurrency: number; ordersPerRequest: number; rawPutsPerSecond: number },
): Promise<ThroughputFigures> => {
  const runId = `tp${randomUUID().slice(0, 6)}`;
  const plan = planTraffic(options.count, 8, 0, runId).map(({ order }) => order);
  // Chunked per store: a key sends orders of its own store only, so a batch holds one store's orders
  // (whatever the count per store).
  const byStore = new Map<number, Order[]>();
  for (const order of plan) {
    const orders = byStore.get(order.storeId);
    if (orders) orders.push(order);
    else byStore.set(order.storeId, [order]);
  }
  const requests: Order[][] = [];
  for (const orders of byStore.values())
    for (let start = 0; start < orders.length; start += options.ordersPerRequest)
      requests.push(orders.slice(start, start + options.ordersPerRequest));
  const sentAt = new Map<string, number>();
  const cpuBefore = await stack.cpuMs();
  const started = Date.now();
  let next = 0;
  let retries = 0;
  // Sending the same orders again is safe: orderId is an idempotency key.
  const send = async (orders: readonly Order[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.post(orders);
      } catch (error) {
        if (attempt >= 5) throw error;
        retries++;
        await pause(200 * attempt);
      }
    }
  };
  const worker = async () => {
    while (next < requests.length) {
      const orders = requests[next++] as Order[];
      const at = Date.now();
      await send(orders);
      for (const { orderId } of orders) sentAt.set(orderId, at);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  // Wait until every order is processed, or until nothing moved for 15 s (then the rest is lost).
  let processed = await client.processedOfRun(runId);
  let lastProgress = Date.now();
  while (processed.size < plan.length && Date.now() - lastProgress < 15_000) {
    await pause(250);
    const now = await client.processedOfRun(runId);
    if (now.size > processed.size) lastProgress = Date.now();
    processed = now;
  }
  const cpuAfter = await stack.cpuMs();
  const latencies = [...processed].map(([orderId, at]) => at - (sentAt.get(orderId) ?? started));
  const elapsedSeconds = (Math.max(...processed.values()) - started) / 1000;
  const ordersPerSecond = round(processed.size / elapsedSeconds, 1);
  return {
    ...latencyFigures(latencies),
    concurrency: options.concurrency,
    ordersPerRequest: options.ordersPerRequest,
    ordersPerSecond,
    lost: plan.length - processed.size,
    retries,
    rawPutsPerSecond: options.rawPutsPerSecond,
    ofRawPutRate: round(ordersPerSecond / options.rawPutsPerSecond, 3),
    cpuMsPerOrder: Object.fromEntries(
      Object.entries(cpuAfter).map(([name, ms]) => [
        name,
        round((ms - (cpuBefore[name] ?? 0)) / plan.length, 2),
      ]),
    ),
  };
};

/**
 * The raw rate of the slowest essential part of the pipeline: conditional puts (the consumer's
 * attribute_not_exists write) to the stack's own dynalite, 10 in flight, items the size of an order.
 */
const rawConditionalPuts = async (info: StackInfo, count: number): Promise<number> => {
  const dynamo = new DynamoDBClient({
    endpoint: info.dynamoEndpoint,
    region: info.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const TableName = `bench-raw-puts-${randomUUID().slice(0, 6)}`;
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const orders = planTraffic(count, 8, 0, 'raw').map(({ order }) => order);
    const put = (order: Order) =>
      dynamo.send(
        new PutItemCommand({
          TableName,
          Item: {
            orderId: { S: order.orderId },
            status: { S: 'PROCESSED' },
            order: { S: JSON.stringify(order) },
            processedAt: { S: new Date().toISOString() },
          },
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      );
    for (const order of orders.splice(0, 100)) await put(order); // warm the connection and the table
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < orders.length) await put(orders[next++] as Order);
      }),
    );
    return round(orders.length / ((Date.now() - started) / 1000), 0);
  } finally {
    dynamo.destroy();
  }
};

const withStack = async <T>(work: (stack: RunningStack, client: Client) => Promise<T>): Promise<T> => {
  const stack = await startStackProcess();
  const client = clientFor(stack.info);
  try {
    return await work(stack, client);
  } finally {
    client.destroy();
    await stack.stop();
  }
};

/**
 * Serverless loads a plugin from `<service>/.serverless_plugins/<name>` before node_modules: the
 * upstream serverless-offline-sqs 8.0.0, unpacked there, replaces the patched one for one run. Its
 * dependencies are the installed package's own (a node_modules link to them).
 */
const withUnpatchedSqsPlugin = async <T>(work: () => Promise<T>): Promise<T> => {
  const pluginsDir = join(serviceDir('order-consumer'), '.serverless_plugins');
  const target = join(pluginsDir, 'serverless-offline-sqs');
  const download = await mkdtemp(join(tmpdir(), 'unpatched-'));
  try {
    const { stdout } = await run('npm', ['pack', 'serverless-offline-sqs@8.0.0', '--silent'], {
      cwd: download,
    });
    await mkdir(target, { recursive: true });
    await run('tar', ['xzf', join(download, stdout.trim()), '-C', target, '--strip-components=1']);
    const installed = await run(
      process.execPath,
      ['-p', "require.resolve('serverless-offline-sqs/package.json')"],
      {
        cwd: serviceDir('order-consumer'),
      },
    );
    const dependencies = dirname(dirname(installed.stdout.trim()));
    await symlink(dependencies, join(target, 'node_modules'));
    if (!(await readdir(dependencies)).includes('aws-sdk'))
      throw new Error(`no aws-sdk beside ${dependencies}`);
    return await work();
  } finally {
    await rm(pluginsDir, { recursive: true, force: true });
    await rm(download, { recursive: true, force: true });
  }
};

/**
 * Throughput of `count` orders at one shape, warmed first with three rounds of that shape (workers
 * and connections warm; its 5xx retries kept as warmUpRetries), the raw put rate measured in between. The raw rate is
 * measured just before each run: on a shared machine the load changes within minutes, and a ratio
 * means something only against a rate measured alongside.
 */
const warmThroughput = async (
  stack: RunningStack,
  client: Client,
  shape: { concurrency: number; ordersPerRequest: number },
  count: number,
): Promise<ThroughputFigures> => {
  const warmUp = await throughput(stack, client, {
    count: shape.concurrency * shape.ordersPerRequest * 3,
    ...shape,
    rawPutsPerSecond: 1,
  });
  const measured = await throughput(stack, client, {
    count,
    ...shape,
    rawPutsPerSecond: await rawConditionalPuts(stack.info, 3000),
  });
  return { ...measured, warmUpRetries: warmUp.retries };
};

export const measureEndToEnd = async (options: {
  orders: number;
  singleSamples: number;
  concurrency: number;
}): Promise<EndToEndFigures> => {
  const pollersPerEvent = Number(process.env.LOCAL_SQS_POLLERS_PER_EVENT ?? 1);
  const workersPerFunction = Number(process.env.LOCAL_WORKERS_PER_FUNCTION ?? 4);
  const measured = await withStack(async (stack, client) => {
    const rawConditionalPutsPerSecond = await rawConditionalPuts(stack.info, 3000);
    await singleOrderLatency(client, 5); // warm-up: first bundles, first connections
    const single = await singleOrderLatency(client, options.singleSamples);
    const singlePosts = await warmThroughput(
      stack,
      client,
      { concurrency: options.concurrency, ordersPerRequest: 1 },
      options.orders,
    );
    const batchedPosts = await warmThroughput(
      stack,
      client,
      {
        concurrency: Math.max(1, Math.round(options.concurrency / 4)),
        ordersPerRequest: ORDERS_PER_BATCH_REQUEST,
      },
      options.orders,
    );
    return { rawConditionalPutsPerSecond, single, singlePosts, batchedPosts };
  });
  const singleUnpatched = await withUnpatchedSqsPlugin(() =>
    withStack(async (_, client) => {
      await singleOrderLatency(client, 1);
      return singleOrderLatency(client, 4);
    }),
  );
  return {
    pollersPerEvent,
    workersPerFunction,
    ...measured,
    singleUnpatched,
    patchSpeedup: round(singleUnpatched.p50Ms / measured.single.p50Ms, 1),
  };
};
