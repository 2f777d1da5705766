import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { crashAfterBatch } from './faults';
import { processRecord, type RecordDependencies } from './processRecord';

export interface HandlerDependencies extends RecordDependencies {
  /** Powertools Metrics: the middleware flushes what the records added, once per invocation. */
  metrics: Metrics;
  /** Chaos suite only (local stage): crashes some invocations after their records ran. */
  crashAfterBatch?: ReturnType<typeof crashAfterBatch>;
}

export type SettledRecords = PromiseSettledResult<unknown>[];

/** Every record of the batch at once; one settled result per record, in the event's order. */
const processBatch = (event: SQSEvent, deps: RecordDependencies): Promise<SettledRecords> =>
  Promise.allSettled(event.Records.map((record) => processRecord(record, deps)));

/**
 * The Lambda handler for the orders queue (event source with `ReportBatchItemFailures`).
 * `@middy/sqs-partial-batch-failure` turns the rejected results into `batchItemFailures`, so only
 * failed records return to the queue; if anything throws outside a record (e.g. middy's timeout
 * guard just before the function times out), its onError reports every record as failed, and a
 * failing metrics flush fails the invocation, which returns the whole batch to the queue:
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 * Its default logger (console.error of the whole record) is replaced: processRecord already logs
 * each failure once, with personal data masked.
 */
export const createHandler = (deps: HandlerDependencies) =>
  // The response is the settled results until the middleware's `after` replaces it with the
  // SQSBatchResponse the function returns.
  middy<SQSEvent, SettledRecords | SQSBatchResponse>()
    .use(logMetrics(deps.metrics))
    .use(sqsPartialBatchFailure({ logger: () => undefined }))
    // Used after the partial-batch middleware, so its `after` runs first and a crash there reaches
    // that middleware's onError, which reports every record of the batch as failed.
    .use(deps.crashAfterBatch ? [deps.crashAfterBatch] : [])
    .handler<SQSEvent, SQSBatchResponse>((event: SQSEvent) => processBatch(event, deps));
