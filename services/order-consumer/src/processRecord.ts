import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  ATTRIBUTE,
  type Clock,
  DEAD_LETTER_CLASS,
  type InspectedMessage,
  inspectOrderMessage,
  orderFingerprint,
  type StoreDirectory,
  safeCorrelationId,
  safeOrderId,
  type Tracer,
  toError,
} from '@order-pipeline/common';
import type { OrdersTable } from '@order-pipeline/common/orders-table';
import { type Span, tryParseTraceHeader } from '@order-pipeline/common/tracing';
import type { SQSRecord } from 'aws-lambda';
import { type BackoffPolicy, backoffSeconds } from './backoff';
import { SERVICE_NAME } from './config';
import { PoisonMessageError } from './errors';
import type { FaultInjector } from './faults';
import { isTransientError } from './transientErrors';
import type { VisibilityChanger } from './visibility';

/** What became of a record: the first two succeed (the record is deleted), the rest fail it. */
export const RECORD_OUTCOME = {
  processed: 'processed',
  duplicate: 'duplicate',
  poison: 'poison',
  transient: 'transient',
  failed: 'failed',
} as const;
export type RecordOutcome = (typeof RECORD_OUTCOME)[keyof typeof RECORD_OUTCOME];
type SuccessOutcome = typeof RECORD_OUTCOME.processed | typeof RECORD_OUTCOME.duplicate;

/** CloudWatch metric (EMF, Count) emitted once per record with that outcome. */
export const OUTCOME_METRIC = {
  processed: 'OrdersProcessed',
  duplicate: 'DuplicateDeliveries',
  poison: 'PoisonMessages',
  transient: 'TransientFailures',
  failed: 'UnexpectedFailures',
} as const satisfies Record<RecordOutcome, string>;

/**
 * The fields of the per-record line that are safe by construction (SQS ids, ids checked by
 * safeOrderId/safeCorrelationId, parsed trace ids, numbers, outcomes): the logger writes them without
 * scanning their values, so the line's cost does not grow with redaction. Free text (reason, error
 * messages) is still masked.
 */
export const RECORD_LOG_VERBATIM_KEYS = [
  'messageId',
  'orderId',
  'storeId',
  'correlationId',
  'traceId',
  'receiveCount',
  'outcome',
  'classification',
  'retryInSeconds',
  'visibilityChanged',
] as const;

/** The fields of the one log line written per record. */
export type RecordLogFields = {
  messageId: string;
  orderId: string | undefined;
  storeId: number | undefined;
  correlationId: string | undefined;
  /** The producer's trace id (Root of the record's AWSTraceHeader). */
  traceId: string | undefined;
  receiveCount: number;
  outcome?: RecordOutcome;
  [detail: string]: unknown;
};

export interface RecordLogger {
  info(message: string, fields: RecordLogFields): void;
  warn(message: string, fields: RecordLogFields): void;
  error(message: string, fields: RecordLogFields): void;
}

export interface OutcomeMetrics {
  addMetric(name: string, unit: typeof MetricUnit.Count, value: number): void;
}

/** Everything processRecord touches outside itself, so that tests pass plain fakes. */
export interface RecordDependencies {
  /** The stores registry (cached per execution environment): whether a store is open. */
  stores: StoreDirectory;
  backoff: BackoffPolicy;
  orders: Pick<OrdersTable, 'putProcessed'>;
  visibility: VisibilityChanger;
  clock: Clock;
  logger: RecordLogger;
  metrics: OutcomeMetrics;
  tracer: Tracer;
  /** Chaos faults, local stage only (see faults.ts); absent in production. */
  faults?: FaultInjector;
}

type Inspection = InspectedMessage | { ok: false; unexpected: unknown };

// Lambda always sets these, but a record that lacks them must still fail cleanly, not crash the batch.
const receiveCountOf = (record: SQSRecord): number => {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : 1;
};

// Never throws (unlike common's readOrderAttributes): a malformed record must still be described.
const readAttributeLeniently = (
  record: SQSRecord,
  name: string,
  type: 'String' | 'Number',
): string | undefined => {
  const attribute = record.messageAttributes?.[name];
  return attribute?.dataType?.startsWith(type) ? attribute.stringValue : undefined;
};

/** What can be said of any record, however malformed; refined once the message is inspected. */
const describeRecord = (record: SQSRecord, inspection: Inspection): RecordLogFields => {
  const storeId = Number(readAttributeLeniently(record, ATTRIBUTE.storeId, 'Number'));
  const fields: RecordLogFields = {
    messageId: record.messageId,
    orderId: undefined,
    storeId: Number.isFinite(storeId) ? storeId : undefined,
    // Legacy producers put personal data (SSNs) in correlation_id: never logged or traced as given.
    correlationId: safeCorrelationId(readAttributeLeniently(record, ATTRIBUTE.correlationId, 'String')),
    traceId: tryParseTraceHeader(record.attributes?.AWSTraceHeader)?.root,
    receiveCount: receiveCountOf(record),
  };
  if (inspection.ok) {
    fields.orderId = safeOrderId(inspection.order.orderId);
    fields.storeId = inspection.order.storeId;
  } else if ('orderId' in inspection) {
    fields.orderId = safeOrderId(inspection.orderId);
  }
  return fields;
};

// A chained catch, not try/await: one promise fewer per record (inspectOrderMessage is async, so it
// never throws synchronously).
const inspect = (record: SQSRecord, stores: StoreDirectory): Promise<Inspection> =>
  inspectOrderMessage(record, stores).catch((unexpected: unknown) => ({ ok: false, unexpected }));

/** Counts the outcome as a metric and annotates the record's span with it (the chaos suite reads it). */
const settle = (deps: RecordDependencies, span: Span, outcome: RecordOutcome): void => {
  deps.metrics.addMetric(OUTCOME_METRIC[outcome], MetricUnit.Count, 1);
  span.annotate('outcome', outcome);
};

const errorFields = (thrown: unknown) => {
  const error = toError(thrown);
  return { errorName: error.name, errorMessage: error.message };
};

const storeOrder = async (
  record: SQSRecord,
  inspection: Inspection,
  fields: RecordLogFields,
  deps: RecordDependencies,
): Promise<SuccessOutcome> => {
  if (!inspection.ok) {
    if ('unexpected' in inspection) throw inspection.unexpected;
    throw new PoisonMessageError(inspection.classification, inspection.reason);
  }
  deps.faults?.inject(record, fields.receiveCount);
  const { order } = inspection;
  const result = await deps.orders.putProcessed({
    storeId: order.storeId,
    orderId: order.orderId,
    fingerprint: orderFingerprint(order),
    order,
    messageId: record.messageId,
    traceId: fields.traceId,
    correlationId: inspection.attributes.correlationId,
    receiveCount: fields.receiveCount,
    at: deps.clock().toISOString(),
  });
  if (result === 'conflict') {
    // Never dropped as a duplicate: the message is failed until it reaches the DLQ, where it is archived.
    throw new PoisonMessageError(
      DEAD_LETTER_CLASS.orderConflict,
      `store ${order.storeId} already has an order ${order.orderId} with other content`,
    );
  }
  return result === 'created' ? RECORD_OUTCOME.processed : RECORD_OUTCOME.duplicate;
};

const reportSuccess = (
  outcome: SuccessOutcome,
  fields: RecordLogFields,
  deps: RecordDependencies,
  span: Span,
): void => {
  deps.logger.info(
    outcome === RECORD_OUTCOME.processed ? 'order processed' : 'duplicate delivery: order already stored',
    { ...fields, outcome },
  );
  settle(deps, span, outcome);
};

/**
 * Delays the record's next delivery by `retryInSeconds`. A failure here is logged with the record's
 * line and otherwise ignored: the record still fails, and comes back after the queue's own
 * visibility timeout instead.
 */
const backOff = async (record: SQSRecord, retryInSeconds: number, deps: RecordDependencies) => {
  try {
    await deps.visibility.changeVisibility(record, retryInSeconds);
    return { retryInSeconds, visibilityChanged: true };
  } catch (error) {
    const { errorName, errorMessage } = errorFields(error);
    return {
      retryInSeconds,
      visibilityChanged: false,
      visibilityErrorName: errorName,
      visibilityErrorMessage: errorMessage,
    };
  }
};

/** Logs and counts a failed record; returns what to reject with (the record is never deleted). */
const reportFailure = async (
  error: unknown,
  record: SQSRecord,
  fields: RecordLogFields,
  deps: RecordDependencies,
  span: Span,
): Promise<unknown> => {
  if (error instanceof PoisonMessageError) {
    // A short fixed back-off, not the exponential one: the queue's maxReceiveCount is sized for the
    // retry window of transient failures (src/retryBudget.ts), and a message that can never succeed
    // should spend maxReceiveCount x poisonSeconds on the queue, not the window, before it reaches the
    // DLQ, where an operator sees it. Without a back-off it would wait out the queue's whole
    // visibility timeout (>= 6x the function timeout) between receives.
    const backoff = await backOff(record, deps.backoff.poisonSeconds, deps);
    deps.logger.warn('poison message: failing it until the redrive policy moves it to the DLQ', {
      ...fields,
      outcome: RECORD_OUTCOME.poison,
      classification: error.classification,
      reason: error.reason,
      ...backoff,
    });
    settle(deps, span, RECORD_OUTCOME.poison);
    return error;
  }
  if (isTransientError(error)) {
    const backoff = await backOff(record, backoffSeconds(fields.receiveCount, deps.backoff), deps);
    deps.logger.warn('transient failure: record will be retried after its back-off', {
      ...fields,
      outcome: RECORD_OUTCOME.transient,
      ...backoff,
      ...errorFields(error),
    });
    settle(deps, span, RECORD_OUTCOME.transient);
    return error;
  }
  deps.logger.error('record failed unexpectedly', {
    ...fields,
    outcome: RECORD_OUTCOME.failed,
    ...errorFields(error),
  });
  settle(deps, span, RECORD_OUTCOME.failed);
  return error;
};

/**
 * Processes one SQS record: resolves with `processed` or `duplicate` (the record may be deleted),
 * rejects for a poison message, a transient failure (after setting its back-off) or anything
 * unexpected (the record returns to the queue). Writes one log line and one metric per record,
 * inside a trace span that continues the producer's trace.
 */
export const processRecord = async (record: SQSRecord, deps: RecordDependencies): Promise<SuccessOutcome> => {
  const inspection = await inspect(record, deps.stores);
  const fields = describeRecord(record, inspection);
  const span = {
    name: SERVICE_NAME,
    parentHeader: record.attributes?.AWSTraceHeader,
    annotations: { messageId: fields.messageId, orderId: fields.orderId, storeId: fields.storeId },
  };
  return deps.tracer(span, async (active) => {
    try {
      const outcome = await storeOrder(record, inspection, fields, deps);
      reportSuccess(outcome, fields, deps, active);
      return outcome;
    } catch (error) {
      throw await reportFailure(error, record, fields, deps, active);
    }
  });
};
