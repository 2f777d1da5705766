import {
  ATTRIBUTE,
  DEAD_LETTER_CLASS,
  type DeadLetterClass,
  inspectOrderMessage,
  orderFingerprint,
  type RecordAttribute,
  type RecordAttributes,
  readNumberAttribute,
  type StoreDirectory,
} from '@order-pipeline/common';
import { tryParseTraceHeader } from '@order-pipeline/common/tracing';
import type { SQSRecord } from 'aws-lambda';

/** Lifecycle of an archived dead letter. */
export const DEAD_LETTER_STATUS = {
  archived: 'ARCHIVED',
  redriven: 'REDRIVEN',
} as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUS)[keyof typeof DEAD_LETTER_STATUS];

/** An item of the dead-letters table, keyed by the DLQ message's `messageId`. */
export interface DeadLetter {
  messageId: string;
  status: DeadLetterStatus;
  classification: DeadLetterClass;
  /** Why it was classified so (never the body's values beyond what a validation message names). */
  reason: string;
  body: string;
  /** As Lambda delivered them; `toOutgoingAttributes` turns them back into SendMessage's shape. */
  messageAttributes: Record<string, RecordAttribute>;
  traceHeader?: string;
  traceId?: string;
  /** The queue the message was dead-lettered from (DeadLetterQueueSourceArn), else the DLQ itself. */
  sourceQueueArn: string;
  receiveCount: number;
  /** SentTimestamp: when the producer sent it. */
  sentAt?: string;
  /** ApproximateFirstReceiveTimestamp. */
  firstReceivedAt?: string;
  /** When this handler received it from the DLQ: the last receive. */
  lastReceivedAt: string;
  archivedAt: string;
  storeId?: number;
  orderId?: string;
  /** orderFingerprint() of the order it carries, when it carries a valid one. */
  fingerprint?: string;
  /** Times this message was redriven: its `redrive_count` attribute, +1 once redriven from here. */
  redriveCount: number;
  redrivenAt?: string;
  /** The message id the redrive got from SendMessage. */
  redrivenMessageId?: string;
  /**
   * When DynamoDB's TTL deletes the item (epoch seconds): archivedAt + the stage's retention. Set by
   * the table on archive (deadLetterTable.ts), not by the description of a record.
   */
  expiresAt?: number;
}

/** Epoch milliseconds as SQS gives them (`"1700000000000"`) to an ISO string; undefined if absent. */
export const isoFromEpochMillis = (value: string | undefined): string | undefined => {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return new Date(Number(value)).toISOString();
};

const positiveInteger = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;

/** A Number attribute, or undefined when it is absent or unreadable (a dead letter may be malformed). */
const readableNumber = (attributes: RecordAttributes, name: string): number | undefined => {
  try {
    return readNumberAttribute(attributes, name);
  } catch {
    return undefined;
  }
};

const bodyStoreId = (body: string): number | undefined => {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    return positiveInteger((parsed as { storeId?: unknown }).storeId);
  } catch {
    return undefined;
  }
};

const keepDefined = (attribute: RecordAttribute): RecordAttribute => ({
  dataType: attribute.dataType,
  ...(attribute.stringValue === undefined ? {} : { stringValue: attribute.stringValue }),
  ...(attribute.binaryValue === undefined ? {} : { binaryValue: attribute.binaryValue }),
});

const withDefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

/**
 * Describes a record received from the DLQ as the item to archive: classified with the same
 * `inspectOrderMessage` the consumer fails records with, so a record it could have processed is
 * `retries-exhausted` (a transient failure outlived maxReceiveCount).
 */
export const describeDeadLetter = async (
  record: SQSRecord,
  stores: StoreDirectory,
  receivedAt: Date,
): Promise<DeadLetter> => {
  const messageAttributes = Object.fromEntries(
    Object.entries(record.messageAttributes ?? {}).map(([name, value]) => [name, keepDefined(value)]),
  );
  const inspected = await inspectOrderMessage({ body: record.body, messageAttributes }, stores);
  const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 0;
  const classification = inspected.ok ? DEAD_LETTER_CLASS.retriesExhausted : inspected.classification;
  const reason = inspected.ok
    ? 'a valid order from an open store: processing kept failing until the redrive policy moved it'
    : inspected.reason;
  const storeId = inspected.ok
    ? inspected.attributes.storeId
    : (positiveInteger(readableNumber(messageAttributes, ATTRIBUTE.storeId)) ?? bodyStoreId(record.body));
  const traceHeader = record.attributes.AWSTraceHeader;
  const redriveCount = readableNumber(messageAttributes, ATTRIBUTE.redriveCount);
  return withDefined({
    messageId: record.messageId,
    status: DEAD_LETTER_STATUS.archived,
    classification,
    reason,
    body: record.body,
    messageAttributes,
    traceHeader,
    traceId: tryParseTraceHeader(traceHeader)?.root,
    // Set by SQS when its redrive policy moves a message (and by local-aws-sqs); a message sent
    // straight to the DLQ has none. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
    sourceQueueArn: record.attributes.DeadLetterQueueSourceArn ?? record.eventSourceARN,
    receiveCount,
    sentAt: isoFromEpochMillis(record.attributes.SentTimestamp),
    firstReceivedAt: isoFromEpochMillis(record.attributes.ApproximateFirstReceiveTimestamp),
    lastReceivedAt: receivedAt.toISOString(),
    archivedAt: receivedAt.toISOString(),
    storeId,
    orderId: inspected.ok ? inspected.order.orderId : inspected.orderId,
    fingerprint: inspected.ok ? orderFingerprint(inspected.order) : undefined,
    redriveCount:
      redriveCount !== undefined && Number.isSafeInteger(redriveCount) && redriveCount > 0 ? redriveCount : 0,
  });
};
