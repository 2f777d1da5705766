import {
  type Clock,
  DEAD_LETTER_CLASS,
  type DeadLetterClass,
  ORDER_ID_PATTERN,
  ORDER_STATUS,
  type StoreDirectory,
  type Tracer,
  toError,
} from '@order-pipeline/common';
import type { ChangeResult, OrdersTable } from '@order-pipeline/common/orders-table';
import type { SQSRecord } from 'aws-lambda';
import { type DeadLetter, describeDeadLetter } from './deadLetter';
import type { ArchiveResult, DeadLetterStore } from './deadLetterTable';

export interface ArchiveDeps {
  deadLetters: Pick<DeadLetterStore, 'archive'>;
  orders: Pick<OrdersTable, 'get' | 'markDeadLettered'>;
  /** The stores registry (cached per execution environment), as the consumer asks it. */
  stores: StoreDirectory;
  /** One line per record (the masking logger of @order-pipeline/common in production). */
  logger: {
    info(message: string, attributes: Record<string, unknown>): void;
    error(message: string, attributes: Record<string, unknown>): void;
  };
  deadLetterMetrics: {
    deadLetterArchived(classification: DeadLetterClass): void;
    deadLetterNotArchived(): void;
  };
  /** One subsegment per record. */
  tracer: Tracer;
  clock: Clock;
}

export interface ArchiveOutcome {
  messageId: string;
  classification: DeadLetterClass;
  archive: ArchiveResult;
  /**
   * What became of its order: `changed` (marked DEAD_LETTERED), `unchanged` (processed, or another order's),
   * `no-order` when the dead letter names no usable `(storeId, orderId)` or its class leaves the order alone.
   */
  order: ChangeResult | 'no-order';
}

/** Classes whose dead letter never marks the stored order: it is processed, or it is another order. */
const LEAVES_ORDER: readonly DeadLetterClass[] = [
  DEAD_LETTER_CLASS.alreadyProcessed,
  DEAD_LETTER_CLASS.orderConflict,
];

/**
 * A valid order's dead letter is told apart by the stored order with its `(storeId, orderId)`: stored
 * PROCESSED with the same fingerprint, it is `already-processed` (an invocation crashed after storing it,
 * and the copy ran out of receives): no alarm, no redrive. Stored with another fingerprint, it is an
 * `order-conflict` (a second body for the same key, straight to SQS or through ingest's release).
 */
const settleClass = async (deadLetter: DeadLetter, orders: Pick<OrdersTable, 'get'>): Promise<DeadLetter> => {
  const { storeId, orderId, fingerprint } = deadLetter;
  if (storeId === undefined || orderId === undefined || fingerprint === undefined) return deadLetter;
  const stored = await orders.get({ storeId, orderId });
  if (stored?.fingerprint === undefined) return deadLetter;
  if (stored.fingerprint !== fingerprint) {
    return {
      ...deadLetter,
      classification: DEAD_LETTER_CLASS.orderConflict,
      reason: `store ${storeId} already has an order ${orderId} with other content (${stored.status})`,
    };
  }
  if (stored.status === ORDER_STATUS.processed) {
    return {
      ...deadLetter,
      classification: DEAD_LETTER_CLASS.alreadyProcessed,
      reason: 'the same order is already stored PROCESSED: a copy of a processed message ran out of receives',
    };
  }
  return deadLetter;
};

const markOrder = async (
  deadLetter: DeadLetter,
  orders: Pick<OrdersTable, 'markDeadLettered'>,
): Promise<ChangeResult | 'no-order'> => {
  const { orderId, storeId } = deadLetter;
  // An id the order schema refuses was never written by the consumer, and could exceed DynamoDB's
  // key limits (failing this record forever): there is no order to mark.
  if (orderId === undefined || !ORDER_ID_PATTERN.test(orderId) || storeId === undefined) return 'no-order';
  if (LEAVES_ORDER.includes(deadLetter.classification)) return 'no-order';
  return orders.markDeadLettered({
    orderId,
    fingerprint: deadLetter.fingerprint,
    messageId: deadLetter.messageId,
    classification: deadLetter.classification,
    reason: deadLetter.reason,
    storeId,
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
  let described: DeadLetter;
  try {
    described = await describeDeadLetter(record, deps.stores, deps.clock());
  } catch (error) {
    deps.deadLetterMetrics.deadLetterNotArchived();
    deps.logger.error('dead letter not described; it stays on the DLQ', {
      messageId: record.messageId,
      error: toError(error),
    });
    throw error;
  }
  const { messageId, orderId, storeId } = described;
  const context = {
    messageId,
    orderId,
    storeId,
    sourceQueueArn: described.sourceQueueArn,
    receiveCount: described.receiveCount,
    redriveCount: described.redriveCount,
    traceId: described.traceId,
  };
  return deps.tracer(
    {
      name: 'dlq-handler',
      parentHeader: record.attributes.AWSTraceHeader,
      annotations: { messageId, orderId, storeId, classification: described.classification },
    },
    async (span) => {
      let classification = described.classification;
      try {
        const deadLetter = await settleClass(described, deps.orders);
        classification = deadLetter.classification;
        if (classification !== described.classification) span.annotate('classification', classification);
        const archive = await deps.deadLetters.archive(deadLetter);
        // Counted once per dead letter, not per delivery of it; an already-processed order is no failure.
        if (archive === 'archived') deps.deadLetterMetrics.deadLetterArchived(classification);
        const order = await markOrder(deadLetter, deps.orders);
        deps.logger.info(archive === 'archived' ? 'dead letter archived' : 'dead letter already archived', {
          ...context,
          classification,
          reason: deadLetter.reason,
          archive,
          order,
        });
        return { messageId, classification, archive, order };
      } catch (error) {
        span.fail(error);
        deps.deadLetterMetrics.deadLetterNotArchived();
        deps.logger.error('dead letter not archived; it stays on the DLQ', {
          ...context,
          classification,
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
