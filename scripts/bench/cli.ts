import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { EXIT, mainOf, type Output, type Program, UsageError, type Values } from '@order-pipeline/common/cli';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { type ColdStartRow, measureColdStarts } from './coldStart';
import type { ConsumerFigures } from './consumerWorker';
import { type EndToEndFigures, measureEndToEnd } from './endToEnd';

const SECTIONS = ['cold-start', 'consumer', 'e2e'] as const;
type Section = (typeof SECTIONS)[number];

const measureConsumer = async (messages: number, rounds: number): Promise<ConsumerFigures> => {
  const dir = await mkdtemp(join(tmpdir(), 'bench-consumer-'));
  const resultFile = join(dir, 'result.json');
  // Where both tracers' segments go: a UDP sink of our own (never another stack's collector on 2000).
  const sink = createSocket('udp4');
  sink.on('message', () => undefined);
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  try {
    // A child process whose stdout (the handlers' log lines and metrics) is discarded. It looks like
    // Lambda with active tracing to the X-Ray SDK, so that both tracers record subsegments of the
    // invocation's facade segment, as they do on AWS.
    await promisify(execFile)(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(__dirname, 'consumerWorker.ts'), resultFile, String(messages), String(rounds)],
      {
        maxBuffer: 1024 * 1024 * 1024,
        env: {
          ...process.env,
          AWS_LAMBDA_FUNCTION_NAME: 'order-consumer-bench',
          LAMBDA_TASK_ROOT: dir,
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
          _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
          AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(sink.address() as AddressInfo).port}`,
          AWS_XRAY_LOG_LEVEL: 'silent',
          POWERTOOLS_DEV: 'false',
        },
      },
    );
    return JSON.parse(await readFile(resultFile, 'utf8')) as ConsumerFigures;
  } finally {
    sink.close();
    await rm(dir, { recursive: true, force: true });
  }
};

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

export const renderTable = (results: {
  coldStart?: ColdStartRow[];
  consumer?: ConsumerFigures;
  endToEnd?: EndToEndFigures;
}): string => {
  const lines: string[] = ['| figure | value | target |', '| --- | --- | --- |'];
  for (const row of results.coldStart ?? []) {
    // The target applies to the default backend; the other is reported for comparison.
    // Figures written before the CPU columns existed have none.
    const cpu = row.cpuRatio === undefined ? undefined : row;
    const target =
      (row.backend ?? 'xray') === 'xray'
        ? `<= 1.3: wall ${verdict(row.ratio <= 1.3)}${cpu ? `, CPU ${verdict(cpu.cpuRatio <= 1.3)}` : ''}`
        : '';
    const cpuText = cpu ? `; CPU ${cpu.initCpuMs} ms vs ${cpu.baselineInitCpuMs} ms` : '';
    lines.push(
      `| cold start ${row.function} (${row.backend ?? 'xray'}): init ${row.initMs} ms vs ${row.baselineInitMs} ms wall${cpuText} (bundle ${row.bundleKb} KiB vs ${row.baselineKb} KiB) | ratio ${row.ratio} wall${cpu ? `, ${cpu.cpuRatio} CPU` : ''} | ${target} |`,
    );
  }
  const consumer = results.consumer;
  if (consumer) {
    lines.push(
      ...(consumer.cpuVsPeer === undefined
        ? []
        : [
            `| consumer: CPU per record ${consumer.handlerCpuUsPerRecord} µs (handler) vs ${consumer.peerCpuUsPerRecord} µs (Powertools BatchProcessor + Tracer + Logger peer) | ratio ${consumer.cpuVsPeer} | <= 0.8: ${verdict(consumer.cpuVsPeer <= 0.8)} |`,
          ]),
      `| consumer, for reference: ${consumer.handlerPerSecond} msg/s (real handler) vs ${consumer.bareLoopPerSecond} msg/s (bare parse-and-validate loop, ${consumer.bareCpuUsPerRecord ?? '?'} µs CPU per record) | ratio ${consumer.efficiency} | |`,
      `| consumer: batch of 10 with 20 ms writes takes ${consumer.batchOf10With20msWritesMs} ms | ratio ${consumer.batchRatio} | <= 1.5: ${verdict(consumer.batchRatio <= 1.5)} |`,
    );
  }
  const e2e = results.endToEnd;
  if (e2e) {
    const { single, singlePosts, batchedPosts, singleUnpatched } = e2e;
    const throughputRows = (label: string, run: typeof singlePosts, target: number) => [
      `| local e2e, ${label}: ${run.orders} orders, ${run.concurrency} requests in flight, ${run.lost} lost, ${run.retries} retried${run.warmUpRetries === undefined ? '' : ` (${run.warmUpRetries} in its warm-up)`}: p50/p95/p99 | ${run.p50Ms} / ${run.p95Ms} / ${run.p99Ms} ms | |`,
      `| local e2e, ${label}: throughput, and its ratio to the raw conditional-put rate measured just before (${run.rawPutsPerSecond}/s) | ${run.ordersPerSecond} orders/s, ratio ${run.ofRawPutRate} | >= ${target}: ${verdict(run.ofRawPutRate >= target && run.lost === 0)} |`,
      `| local e2e, ${label}: CPU ms per order | ${Object.entries(run.cpuMsPerOrder)
        .map(([name, ms]) => `${name} ${ms}`)
        .join('; ')} | |`,
    ];
    lines.push(
      `| local e2e: raw dynalite conditional puts (10 in flight) at the start of the run; pollers per sqs event ${e2e.pollersPerEvent}${e2e.workersPerFunction === undefined ? '' : `; ingest-api workers per function ${e2e.workersPerFunction || 'uncapped'}`} | ${e2e.rawConditionalPutsPerSecond} puts/s | |`,
      `| local e2e, one order at a time (${single.orders}, warm): POST -> PROCESSED p50/p95/p99 | ${single.p50Ms} / ${single.p95Ms} / ${single.p99Ms} ms | p50 <= 25 ms: ${verdict(single.p50Ms <= 25)} |`,
      ...throughputRows('single-order POSTs', singlePosts, 0.25),
      ...throughputRows(`POST /orders/batch (${batchedPosts.ordersPerRequest} a request)`, batchedPosts, 0.5),
      `| local e2e, unpatched serverless-offline-sqs, one order at a time (${singleUnpatched.orders}): p50 | ${singleUnpatched.p50Ms} ms | |`,
      `| speed-up the patches buy (unpatched p50 / patched p50) | ${e2e.patchSpeedup}x | |`,
    );
  }
  return lines.join('\n');
};

const OPTIONS = {
  quick: { type: 'boolean', help: 'fewer samples and 200 instead of 2000 orders' },
  only: { type: 'string', value: 'NAME', help: 'one section: cold-start, consumer or e2e' },
  concurrency: {
    type: 'string',
    value: 'C',
    help: 'single-order POSTs in flight in the e2e throughput run (default 16)',
  },
} as const;

/** What `pnpm bench` measures with, and where it writes (fakes and a temp dir in its tests). */
export interface BenchDeps {
  measureColdStarts: (samples: number) => Promise<ColdStartRow[]>;
  measureConsumer: (messages: number, rounds: number) => Promise<ConsumerFigures>;
  measureEndToEnd: typeof measureEndToEnd;
  resultsDir: string;
}

export const benchProgram = (deps: BenchDeps): Program<typeof OPTIONS> => ({
  name: 'pnpm bench',
  description: `Measures, side by side in one run (this machine is shared and noisy, so figures are ratios):
  1. cold start per function and tracing backend (xray, otel): bundle size and init time (wall clock
     and CPU) against a bundle of only its AWS SDK clients (target ratio <= 1.3 with the default backend);
  2. consumer efficiency: CPU per record of the real order-consumer handler (in-memory table) against
     a Powertools BatchProcessor + Tracer + Logger peer doing the same work (target <= 0.8), a bare
     parse-and-validate loop for reference, and a batch of 10 with 20 ms writes (target <= 1.5x 20 ms);
  3. local end to end, on a stack in a process of its own: the raw rate of the slowest essential part
     (dynalite conditional puts, 10 in flight); one order at a time, POST -> PROCESSED p50/p95/p99,
     warm (target p50 <= 25 ms); throughput with single-order POSTs (C in flight) and with POST
     /orders/batch (50 orders a request, C/4 in flight), each warmed at its own concurrency, completion
     read in one scan, lost orders counted, as a ratio of the raw put rate (targets >= 0.25 and >= 0.5),
     with CPU ms per order of each process of the stack; and single-order latency with the unpatched
     serverless-offline-sqs (the speed-up the patches buy). LOCAL_SQS_POLLERS_PER_EVENT sets the
     pollers per sqs event (default 1), LOCAL_WORKERS_PER_FUNCTION ingest-api's workers per function
     (default 4; 0: none).
Prints a table and writes bench/results/latest.json.`,
  options: OPTIONS,
  notes: 'Exit codes: 0 measured, 1 a measurement failed, 2 usage.',
  run: ({ values }, output) => bench(values, output, deps),
});

/** --concurrency, checked before anything is measured. */
const concurrencyOf = (raw: string | undefined): number => {
  const concurrency = Number(raw ?? 16);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError('--concurrency must be an integer from 1 to 64');
  }
  return concurrency;
};

const bench = async (values: Values<typeof OPTIONS>, output: Output, deps: BenchDeps): Promise<number> => {
  if (values.only !== undefined && !SECTIONS.includes(values.only as Section)) {
    throw new UsageError(`--only must be one of ${SECTIONS.join(', ')}`);
  }
  const concurrency = concurrencyOf(values.concurrency);
  const wanted = (section: Section) => values.only === undefined || values.only === section;
  const quick = values.quick === true;
  const resultsFile = join(deps.resultsDir, 'latest.json');
  // With --only, the other sections keep their last figures.
  const previous =
    values.only === undefined
      ? {}
      : (JSON.parse(await readFile(resultsFile, 'utf8').catch(() => '{}')) as Parameters<
          typeof renderTable
        >[0]);
  const results: Parameters<typeof renderTable>[0] & { quick: boolean; at: string; node: string } = {
    ...previous,
    quick,
    at: new Date().toISOString(),
    node: process.version,
  };
  if (wanted('cold-start')) {
    output.err('cold start ...');
    results.coldStart = await deps.measureColdStarts(quick ? 5 : 15);
  }
  if (wanted('consumer')) {
    output.err('consumer efficiency ...');
    results.consumer = await deps.measureConsumer(quick ? 500 : 2000, quick ? 3 : 7);
  }
  if (wanted('e2e')) {
    output.err('local end to end (starts the stack twice) ...');
    results.endToEnd = await deps.measureEndToEnd({
      orders: quick ? 300 : 2000,
      singleSamples: quick ? 30 : 50,
      concurrency,
    });
  }
  const table = renderTable(results);
  const dir = dirname(resultsFile);
  await mkdir(dir, { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(
    join(dir, 'latest.md'),
    `${table}\n\nCommand: \`${['pnpm bench', ...process.argv.slice(2)].join(' ')}\` (${results.at}, Node ${results.node}` +
      `${values.only === undefined ? '' : '; the other sections keep their last figures'})\n`,
  );
  output.out(`${table}\n\nWritten to bench/results/latest.json and latest.md`);
  return EXIT.ok;
};

if (require.main === module) {
  mainOf(
    benchProgram({
      measureColdStarts,
      measureConsumer,
      measureEndToEnd,
      resultsDir: join(REPO_ROOT, 'bench', 'results'),
    }),
  );
}
