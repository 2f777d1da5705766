import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { type DeadLetterClass, isConditionalCheckFailed, ORDER_STATUS } from '@order-pipeline/common';

export interface DeadLetteredOrder {
  orderId: string;
  messageId: string;
  classification: DeadLetterClass;
  reason: string;
  storeId?: number | undefined;
  traceId?: string | undefined;
  receiveCount: number;
  at: string;
}

export type MarkOrderResult = 'marked' | 'already-processed';

/** The one write the DLQ handler makes to order-consumer's orders table. */
export interface OrderStatusStore {
  markDeadLettered(order: DeadLetteredOrder): Promise<MarkOrderResult>;
}

/**
 * Sets the order's status to DEAD_LETTERED, creating the item when the order was never written.
 * The condition keeps a PROCESSED order PROCESSED: a copy of a message that was in fact processed
 * (SQS delivers at least once) can still be dead-lettered, and must not undo the order.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export const deadLetteredUpdate = (tableName: string, order: DeadLetteredOrder): UpdateCommandInput => {
  const optional: Record<string, string | number> = {};
  if (order.storeId !== undefined) optional.storeId = order.storeId;
  if (order.traceId !== undefined) optional.traceId = order.traceId;
  const optionalSets = Object.keys(optional).map((name) => `${name} = :${name}`);
  return {
    TableName: tableName,
    Key: { orderId: order.orderId },
    UpdateExpression: [
      'SET #status = :deadLettered',
      'deadLetterClass = :classification',
      'deadLetterReason = :reason',
      'messageId = :messageId',
      'receiveCount = :receiveCount',
      'updatedAt = :at',
      ...optionalSets,
    ].join(', '),
    ConditionExpression:
      'attribute_not_exists(orderId) OR attribute_not_exists(#status) OR #status <> :processed',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':deadLettered': ORDER_STATUS.deadLettered,
      ':processed': ORDER_STATUS.processed,
      ':classification': order.classification,
      ':reason': order.reason,
      ':messageId': order.messageId,
      ':receiveCount': order.receiveCount,
      ':at': order.at,
      ...Object.fromEntries(Object.entries(optional).map(([name, value]) => [`:${name}`, value])),
    },
  };
};

export const ordersTable = (client: DynamoDBDocumentClient, tableName: string): OrderStatusStore => ({
  async markDeadLettered(order) {
    try {
      await client.send(new UpdateCommand(deadLetteredUpdate(tableName, order)));
      return 'marked';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'already-processed';
      throw error;
    }
  },
});
