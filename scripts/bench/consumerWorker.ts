// Runs in a child process of `pnpm bench` (its stdout, where the handlers' logs and metrics go, is
// discarded), with a Lambda-like environment (cli.ts) so that both tracers record as they do on
// Lambda: the real order-consumer handler against in-memory fakes, its Powertools peer doing the same
// per-record work (powertoolsPeer.ts), and a bare parse-and-validate loop, measured round by round.
import { writeFile } from 'node:fs/promises';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createLogger, inspectOrderMessage, storeDirectory } from '@order-pipeline/common';
import type { OrdersTable } from '@order-pipeline/common/orders-table';
import {
  anOrder,
  aStore,
  FakeOrdersTable,
  lambdaContext,
  orderRecord,
  sqsEvent,
} from '@order-pipeline/common/testing';
import { inSpan } from '@order-pipeline/common/tracing';
import type { SQSRecord } from 'aws-lambda';
import { createHandler } from '../../services/order-consumer/src/createHandler';
import { RECORD_LOG_VERBATIM_KEYS } from '../../services/order-consumer/src/processRecord';
import { powertoolsPeer } from './powertoolsPeer';
import { median, round } from './stats';

// Every store open, read through the same per-environment cache the consumer uses.
const OPEN_STORES = storeDirectory({ get: async (storeId) => aStore({ storeId }) });

type Store = Pick<OrdersTable, 'putProcessed'>;

/** The orders table in memory (the tests' fake, same conditions), each write delayed like a network call. */
const memoryStore = (writeDelayMs = 0): Store => {
  const table = new FakeOrdersTable();
  return {
    async putProcessed(item) {
      if (writeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, writeDelayMs));
      return table.putProcessed(item);
    },
  };
};

const handlerWith = (store: Store) =>
  createHandler({
    stores: OPEN_STORES,
    backoff: { baseSeconds: 2, maxSeconds: 300, poisonSeconds: 2 },
    orders: store,
    visibility: { changeVisibility: async () => undefined },
    clock: () => new Date(),
    logger: createLogger('order-consumer', { verbatimKeys: RECORD_LOG_VERBATIM_KEYS }),
    metrics: new Metrics({ namespace: 'OrderPipelineBench', serviceName: 'order-consumer' }),
    tracer: inSpan,
  });

const records = (count: number): SQSRecord[] =>
  Array.from({ length: count }, (_, index) => orderRecord(anOrder({ storeId: (index % 8) + 1 })));

const batches = (all: SQSRecord[]): SQSRecord[][] =>
  Array.from({ length: Math.ceil(all.length / 10) }, (_, index) => all.slice(index * 10, index * 10 + 10));

const timeMs = async (work: () => Promise<unknown>): Promise<number> => {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

/** CPU time (user + system) of `work`, in µs: what a shared, noisy machine distorts least. */
const cpuUs = async (work: () => Promise<unknown>): Promise<number> => {
  const start = process.cpuUsage();
  await work();
  const { user, system } = process.cpuUsage(start);
  return user + system;
};

export interface ConsumerFigures {
  messages: number;
  handlerPerSecond: number;
  bareLoopPerSecond: number;
  /** Handler throughput over the bare loop's (for reference: no handler that traces and logs nears 1). */
  efficiency: number;
  /** CPU µs per record: the project's handler, its Powertools peer, the bare loop. */
  handlerCpuUsPerRecord: number;
  peerCpuUsPerRecord: number;
  bareCpuUsPerRecord: number;
  /** The project's per-record CPU over the peer's (target <= 0.8). */
  cpuVsPeer: number;
  batchOf10With20msWritesMs: number;
  batchRatio: number;
}

const main = async (resultFile: string, messages: number, rounds: number) => {
  const context = lambdaContext('order-consumer-bench', 60_000);
  const handlerMs: number[] = [];
  const bareMs: number[] = [];
  const cpu = { handler: [] as number[], peer: [] as number[], bare: [] as number[] };
  const runBatches = async (
    handler: (
      event: ReturnType<typeof sqsEvent>,
      context: ReturnType<typeof lambdaContext>,
    ) => Promise<{
      batchItemFailures: unknown[];
    }>,
    all: SQSRecord[],
  ) => {
    for (const batch of batches(all)) {
      const response = await handler(sqsEvent(batch), context);
      if (response.batchItemFailures.length > 0) throw new Error('bench records must all succeed');
    }
  };
  for (let round = 0; round < rounds; round++) {
    const all = records(messages);
    const handler = handlerWith(memoryStore());
    cpu.handler.push(await cpuUs(() => runBatches(handler, all)));
    const peer = powertoolsPeer(memoryStore(), OPEN_STORES);
    cpu.peer.push(await cpuUs(() => runBatches(peer, all)));
    // Wall time too, on a fresh store, for the throughput figures.
    const timed = handlerWith(memoryStore());
    handlerMs.push(await timeMs(() => runBatches(timed, all)));
    const bare = async () => {
      for (const record of all) {
        const inspected = await inspectOrderMessage(record, OPEN_STORES);
        if (!inspected.ok) throw new Error('bench records must all be valid');
      }
    };
    cpu.bare.push(await cpuUs(bare));
    bareMs.push(await timeMs(bare));
  }
  const slowHandler = handlerWith(memoryStore(20));
  const batchMs: number[] = [];
  for (let round = 0; round < 20; round++) {
    const batch = records(10);
    batchMs.push(await timeMs(() => slowHandler(sqsEvent(batch), context)));
  }
  const handlerPerSecond = messages / (median(handlerMs) / 1000);
  const bareLoopPerSecond = messages / (median(bareMs) / 1000);
  const figures: ConsumerFigures = {
    messages,
    handlerPerSecond: round(handlerPerSecond, 0),
    bareLoopPerSecond: round(bareLoopPerSecond, 0),
    efficiency: round(handlerPerSecond / bareLoopPerSecond, 3),
    handlerCpuUsPerRecord: round(median(cpu.handler) / messages, 1),
    peerCpuUsPerRecord: round(median(cpu.peer) / messages, 1),
    bareCpuUsPerRecord: round(median(cpu.bare) / messages, 1),
    cpuVsPeer: round(median(cpu.handler) / median(cpu.peer), 3),
    batchOf10With20msWritesMs: round(median(batchMs)),
    batchRatio: round(median(batchMs) / 20),
  };
  await writeFile(resultFile, JSON.stringify(figures));
};

const [resultFile, messages = '2000', rounds = '5'] = process.argv.slice(2);
if (!resultFile) throw new Error('usage: consumerWorker.ts RESULT_FILE [MESSAGES] [ROUNDS]');
main(resultFile, Number(messages), Number(rounds)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
