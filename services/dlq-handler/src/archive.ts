import {
  type DeadLetterClass,
  type Logger,
  ORDER_ID_PATTERN,
  type StoreDirectory,
  toError,
} from '@order-pipeline/common';
import type { inSpan } from '@order-pipeline/common/tracing';
import type { SQSRecord } from 'aws-lambda';
import { type DeadLetter, describeDeadLetter } from './deadLetter';
import type { ArchiveResult, DeadLetterStore } from './deadLetterTable';
import type { MarkOrderResult, OrderStatusStore } from './ordersTable';

export interface ArchiveDeps {
  deadLetters: Pick<DeadLetterStore, 'archive'>;
  orders: OrderStatusStore;
  /** The stores registry (cached per execution environment), as the consumer asks it. */
  stores: StoreDirectory;
  logger: Pick<Logger, 'info' | 'error'>;
  metrics: { deadLetterArchived(classification: DeadLetterClass): void };
  /** `inSpan` from @order-pipeline/common/tracing: one subsegment per record. */
  trace: typeof inSpan;
  now: () => Date;
}

export interface ArchiveOutcome {
  messageId: string;
  classification: DeadLetterClass;
  archive: ArchiveResult;
  /** `no-order` when the body names no usable orderId. */
  order: MarkOrderResult | 'no-order';
}

const markOrder = async (
  deadLetter: DeadLetter,
  orders: OrderStatusStore,
): Promise<MarkOrderResult | 'no-order'> => {
  const { orderId } = deadLetter;
  // An id the order schema refuses was never written by the consumer, and could exceed DynamoDB's
  // key limits (failing this record forever): there is no order to mark.
  if (orderId === undefined || !ORDER_ID_PATTERN.test(orderId)) return 'no-order';
  return orders.markDeadLettered({
    orderId,
    messageId: deadLetter.messageId,
    classification: deadLetter.classification,
    reason: deadLetter.reason,
    storeId: deadLetter.storeId,
    traceId: deadLetter.traceId,
    receiveCount: deadLetter.receiveCount,
    at: deadLetter.archivedAt,
  });
};

/**
 * Archives one dead letter and marks its order DEAD_LETTERED. Throws when either write fails, so that
 * the record is reported as a batch item failure and stays on the DLQ: archiving is idempotent
 * (conditional put), so its next delivery completes the job.
 */
export const archiveDeadLetter = async (record: SQSRecord, deps: ArchiveDeps): Promise<ArchiveOutcome> => {
  let deadLetter: DeadLetter;
  try {
    deadLetter = await describeDeadLetter(record, deps.stores, deps.now());
  } catch (error) {
    deps.logger.error('dead letter not described; it stays on the DLQ', {
      messageId: record.messageId,
      error: toError(error),
    });
    throw error;
  }
  const { messageId, orderId, storeId, classification } = deadLetter;
  const context = {
    messageId,
    orderId,
    storeId,
    classification,
    reason: deadLetter.reason,
    sourceQueueArn: deadLetter.sourceQueueArn,
    receiveCount: deadLetter.receiveCount,
    redriveCount: deadLetter.redriveCount,
    traceId: deadLetter.traceId,
  };
  return deps.trace(
    {
      name: 'dlq-handler',
      parentHeader: record.attributes.AWSTraceHeader,
      annotations: { messageId, orderId, storeId, classification },
    },
    async (span) => {
      try {
        const archive = await deps.deadLetters.archive(deadLetter);
        // Counted once per dead letter, not per delivery of it.
        if (archive === 'archived') deps.metrics.deadLetterArchived(classification);
        const order = await markOrder(deadLetter, deps.orders);
        deps.logger.info(archive === 'archived' ? 'dead letter archived' : 'dead letter already archived', {
          ...context,
          archive,
          order,
        });
        return { messageId, classification, archive, order };
      } catch (error) {
        span.fail(error);
        deps.logger.error('dead letter not archived; it stays on the DLQ', {
          ...context,
          error: toError(error),
        });
        throw error;
      }
    },
  );
};

/**
 * Archives every record concurrently; the settled results, in record order, are what
 * @middy/sqs-partial-batch-failure turns into `batchItemFailures`.
 */
export const archiveDeadLetters = (
  records: readonly SQSRecord[],
  deps: ArchiveDeps,
): Promise<PromiseSettledResult<ArchiveOutcome>[]> =>
  Promise.allSettled(records.map((record) => archiveDeadLetter(record, deps)));
