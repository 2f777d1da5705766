// Runs in a child process of `pnpm bench` (its stdout, where the handler's logs and metrics go, is
// discarded): the real order-consumer handler against in-memory fakes, and a bare loop beside it.
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
import { createHandler } from '../../services/order-consumer/src/batchHandler';
import { RECORD_LOG_VERBATIM_KEYS } from '../../services/order-consumer/src/processRecord';
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
    store,
    visibility: { changeVisibility: async () => undefined },
    clock: () => new Date(),
    logger: createLogger('order-consumer', { verbatimKeys: RECORD_LOG_VERBATIM_KEYS }),
    metrics: new Metrics({ namespace: 'OrderPipelineBench', serviceName: 'order-consumer' }),
    inSpan,
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

export interface ConsumerFigures {
  messages: number;
  handlerPerSecond: number;
  bareLoopPerSecond: number;
  efficiency: number;
  batchOf10With20msWritesMs: number;
  batchRatio: number;
}

const main = async (resultFile: string, messages: number, rounds: number) => {
  const context = lambdaContext('order-consumer-bench', 60_000);
  const handlerMs: number[] = [];
  const bareMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const all = records(messages);
    const handler = handlerWith(memoryStore());
    handlerMs.push(
      await timeMs(async () => {
        for (const batch of batches(all)) {
          const response = await handler(sqsEvent(batch), context);
          if (response.batchItemFailures.length > 0) throw new Error('bench records must all succeed');
        }
      }),
    );
    bareMs.push(
      await timeMs(async () => {
        for (const record of all) {
          const inspected = await inspectOrderMessage(record, OPEN_STORES);
          if (!inspected.ok) throw new Error('bench records must all be valid');
        }
      }),
    );
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
