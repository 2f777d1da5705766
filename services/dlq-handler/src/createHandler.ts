import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type ArchiveDeps, archiveDeadLetters } from './archive';

export interface HandlerDependencies extends ArchiveDeps {
  /** Powertools Metrics: flushed after every invocation by the logMetrics middleware. */
  metrics: Metrics;
}

/**
 * The DLQ handler: records are archived concurrently and each one that failed is reported in
 * `batchItemFailures`, so Lambda deletes only the archived ones from the DLQ:
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */
export const createHandler = (deps: HandlerDependencies) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(logMetrics(deps.metrics))
    // archiveDeadLetter has already logged each failure, masked; middy's default logger would print
    // the raw record, personal data included.
    .use(sqsPartialBatchFailure({ logger: () => undefined }))
    // The settled results are what the middleware reads; it replaces them with { batchItemFailures }.
    .handler((event) => archiveDeadLetters(event.Records, deps) as unknown as Promise<SQSBatchResponse>);
