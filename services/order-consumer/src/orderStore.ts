import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, ORDER_STATUS, type StoredOrder } from '@order-pipeline/common';

/** `created`: the order was written; `duplicate`: it was already stored, nothing was written. */
export type PutOrderResult = 'created' | 'duplicate';

export interface OrderStore {
  putOrder(item: StoredOrder): Promise<PutOrderResult>;
}

/** The part of a DynamoDB document client the store uses (a fake in unit tests). */
export interface DocumentSender {
  send(command: PutCommand): Promise<unknown>;
}

/**
 * The conditional put that makes processing idempotent: an order is written once per `orderId`,
 * whatever the number of deliveries (SQS standard queues deliver at least once). The one item it
 * may replace is a DEAD_LETTERED marker left by dlq-handler: a redriven order must be processable.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export const putOrderCommand = (tableName: string, item: StoredOrder): PutCommandInput => ({
  TableName: tableName,
  Item: item,
  ConditionExpression: 'attribute_not_exists(orderId) OR #status = :deadLettered',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':deadLettered': ORDER_STATUS.deadLettered },
});

export const createOrderStore = (client: DocumentSender, tableName: string): OrderStore => ({
  async putOrder(item) {
    try {
      await client.send(new PutCommand(putOrderCommand(tableName, item)));
      return 'created';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'duplicate';
      throw error;
    }
  },
});
