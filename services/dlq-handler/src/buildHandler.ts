import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { archiveDeadLetters } from './archive';
import type { HandlerDeps } from './sideEffects';

/**
 * The DLQ handler: records are archived concurrently and each one that failed is reported in
 * `batchItemFailures`, so Lambda deletes only the archived ones from the DLQ:
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */
export const buildHandler = (deps: HandlerDeps) =>
  middy<SQSEvent, SQSBatchResponse>()
    .use(logMetrics(deps.powertoolsMetrics))
    // archiveDeadLetter has already logged each failure, masked; middy's default logger would print
    // the raw record, personal data included.
    .use(sqsPartialBatchFailure({ logger: () => undefined }))
    // The settled results are what the middleware reads; it replaces them with { batchItemFailures }.
    .handler((event) => archiveDeadLetters(event.Records, deps) as unknown as Promise<SQSBatchResponse>);
