import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Order } from '@order-pipeline/common';
import { serviceDir } from '@order-pipeline/local-aws';
import { storeKeyOf } from '@order-pipeline/local-aws/stack-file';
import { freePorts } from '../local-stack/ports';
import { startStack } from '../local-stack/stack';
import { planTraffic } from '../produce/traffic';
import { percentile, round } from './stats';

const run = promisify(execFile);

export interface LatencyFigures {
  orders: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  ordersPerSecond?: number;
}

interface Client {
  post(order: Order): Promise<{ storeId: number; orderId: string }>;
  processedAt(order: { storeId: number; orderId: string }): Promise<number | undefined>;
}

/** Each order is sent, and read back, with its own store's key. */
const clientFor = async (apiBaseUrl: string, apiKeyOf: (storeId: number) => string): Promise<Client> => ({
  async post(order) {
    const response = await fetch(`${apiBaseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKeyOf(order.storeId) },
      body: JSON.stringify(order),
    });
    if (response.status !== 202)
      throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
    return { storeId: order.storeId, orderId: ((await response.json()) as { orderId: string }).orderId };
  },
  async processedAt({ storeId, orderId }) {
    const response = await fetch(`${apiBaseUrl}/orders/${orderId}`, {
      headers: { 'x-api-key': apiKeyOf(storeId) },
    });
    if (response.status !== 200) return undefined;
    const body = (await response.json()) as { status?: string; processedAt?: string };
    return body.status === 'PROCESSED' && body.processedAt ? Date.parse(body.processedAt) : undefined;
  },
});

const waitProcessed = async (
  client: Client,
  posted: { storeId: number; orderId: string },
  timeoutMs: number,
): Promise<number> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const at = await client.processedAt(posted);
    if (at !== undefined) return at;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`order ${posted.orderId} was not PROCESSED within ${timeoutMs / 1000} s`);
};

const figures = (latencies: number[], extra: Partial<LatencyFigures> = {}): LatencyFigures => ({
  orders: latencies.length,
  p50Ms: round(percentile(latencies, 50), 1),
  p95Ms: round(percentile(latencies, 95), 1),
  p99Ms: round(percentile(latencies, 99), 1),
  ...extra,
});

/** POST one order at a time and wait for it: the latency a single order sees on an idle stack. */
const singleOrderLatency = async (client: Client, samples: number): Promise<LatencyFigures> => {
  const latencies: number[] = [];
  for (const { order } of planTraffic(samples, 5, 0, 'bench1')) {
    const sentAt = Date.now();
    const posted = await client.post(order);
    latencies.push((await waitProcessed(client, posted, 60_000)) - sentAt);
  }
  return figures(latencies);
};

/** `count` orders through the API with `concurrency` in flight; latency from send to processedAt. */
const sustainedLoad = async (client: Client, count: number, concurrency: number): Promise<LatencyFigures> => {
  const plan = planTraffic(count, 8, 0, 'benchN');
  const sent: Array<{ posted: { storeId: number; orderId: string }; sentAt: number }> = [];
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const { order } = plan[next++] as (typeof plan)[number];
      const sentAt = Date.now();
      sent.push({ posted: await client.post(order), sentAt });
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const processed: number[] = [];
  for (const { posted } of sent) processed.push(await waitProcessed(client, posted, 300_000));
  const latencies = sent.map(({ sentAt }, index) => (processed[index] as number) - sentAt);
  const elapsedSeconds = (Math.max(...processed) - started) / 1000;
  return figures(latencies, { ordersPerSecond: round(count / elapsedSeconds, 1) });
};

const withStack = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'order-pipeline-bench-'));
  const stack = await startStack({
    ports: await freePorts(),
    stateDir,
    services: ['order-consumer', 'ingest-api'],
  });
  try {
    return await work(await clientFor(stack.info.apiBaseUrl, (storeId) => storeKeyOf(stack.info, storeId)));
  } finally {
    await stack.stop();
    await rm(stateDir, { recursive: true, force: true });
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

export interface EndToEndFigures {
  single: LatencyFigures;
  sustained: LatencyFigures;
  singleUnpatched: LatencyFigures;
  patchSpeedup: number;
}

export const measureEndToEnd = async (options: {
  orders: number;
  singleSamples: number;
}): Promise<EndToEndFigures> => {
  const { single, sustained } = await withStack(async (client) => {
    await singleOrderLatency(client, 3); // warm-up: first bundles, first connections
    return {
      single: await singleOrderLatency(client, options.singleSamples),
      sustained: await sustainedLoad(client, options.orders, 16),
    };
  });
  const singleUnpatched = await withUnpatchedSqsPlugin(() =>
    withStack(async (client) => {
      await singleOrderLatency(client, 1);
      return singleOrderLatency(client, Math.max(3, Math.ceil(options.singleSamples / 4)));
    }),
  );
  return { single, sustained, singleUnpatched, patchSpeedup: round(singleUnpatched.p50Ms / single.p50Ms, 1) };
};
