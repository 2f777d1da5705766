import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DEAD_LETTER_CLASS, type DeadLetterClass, isConditionalCheckFailed } from '@order-pipeline/common';
import { DEAD_LETTER_STATUS, type DeadLetter } from './deadLetter';
import { DeadLetterItemError } from './errors';

export type ArchiveResult = 'archived' | 'already-archived';
export type MarkRedrivenResult = 'marked' | 'not-archived';

export interface Redrive {
  redriveCount: number;
  redrivenAt: string;
  redrivenMessageId: string;
}

/** The dead-letters table, as the handler (archive) and the `pnpm dlq` command (the rest) use it. */
export interface DeadLetterStore {
  /** Writes the dead letter unless one with its messageId exists: a second delivery is a no-op. */
  archive(deadLetter: DeadLetter): Promise<ArchiveResult>;
  get(messageId: string): Promise<DeadLetter | undefined>;
  /** Every dead letter (a Scan; the table holds failures, not traffic). */
  list(): Promise<DeadLetter[]>;
  /** Marks an ARCHIVED dead letter REDRIVEN; `not-archived` when it is absent or already redriven. */
  markRedriven(messageId: string, redrive: Redrive): Promise<MarkRedrivenResult>;
}

const CLASSES: readonly string[] = Object.values(DEAD_LETTER_CLASS);
const STATUSES: readonly string[] = Object.values(DEAD_LETTER_STATUS);

/** Checks the fields every reader relies on; anything else in the table is reported, not guessed at. */
const asDeadLetter = (item: Record<string, unknown>): DeadLetter => {
  const { messageId, status, classification, body, receiveCount, redriveCount } = item;
  if (
    typeof messageId !== 'string' ||
    typeof status !== 'string' ||
    !STATUSES.includes(status) ||
    typeof classification !== 'string' ||
    !CLASSES.includes(classification as DeadLetterClass) ||
    typeof body !== 'string' ||
    typeof receiveCount !== 'number' ||
    typeof redriveCount !== 'number'
  ) {
    throw new DeadLetterItemError(`dead-letters item ${String(messageId)} is not a dead letter`, item);
  }
  return { messageAttributes: {}, ...item } as unknown as DeadLetter;
};

/** How long an archived dead letter is kept unless the stage says otherwise (deadLetterRetentionDays). */
export const DEFAULT_RETENTION_DAYS = 90;

const SECONDS_PER_DAY = 86_400;

/**
 * The TTL attribute of a dead letter archived at `archivedAt` (ISO): epoch seconds, as DynamoDB's TTL
 * reads them. Dead letters hold customers' personal data, so they are not kept for ever:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 */
export const expiresAt = (archivedAt: string, retentionDays: number): number =>
  Math.floor(Date.parse(archivedAt) / 1000) + retentionDays * SECONDS_PER_DAY;

export const deadLetterTable = (
  client: DynamoDBDocumentClient,
  tableName: string,
  retentionDays = DEFAULT_RETENTION_DAYS,
): DeadLetterStore => ({
  async archive(deadLetter) {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...deadLetter, expiresAt: expiresAt(deadLetter.archivedAt, retentionDays) },
          ConditionExpression: 'attribute_not_exists(messageId)',
        }),
      );
      return 'archived';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'already-archived';
      throw error;
    }
  },

  async get(messageId) {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: { messageId }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : asDeadLetter(Item);
  },

  async list() {
    const items: DeadLetter[] = [];
    for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
      for (const item of page.Items ?? []) items.push(asDeadLetter(item));
    }
    return items;
  },

  async markRedriven(messageId, redrive) {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { messageId },
          UpdateExpression:
            'SET #status = :redriven, redriveCount = :redriveCount, redrivenAt = :redrivenAt, redrivenMessageId = :redrivenMessageId',
          // Two operators redriving the same dead letter at once: only one marks it.
          ConditionExpression: '#status = :archived',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':redriven': DEAD_LETTER_STATUS.redriven,
            ':archived': DEAD_LETTER_STATUS.archived,
            ':redriveCount': redrive.redriveCount,
            ':redrivenAt': redrive.redrivenAt,
            ':redrivenMessageId': redrive.redrivenMessageId,
          },
        }),
      );
      return 'marked';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'not-archived';
      throw error;
    }
  },
});
