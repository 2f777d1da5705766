import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderReader } from './getOrder';

/**
 * The orders table over DynamoDB: one strongly consistent GetItem, so a status just written is seen.
 * Another store's order is no order of the caller's: it is answered as absent.
 */
export const dynamoOrderReader = (client: DynamoDBDocumentClient, tableName: string): OrderReader => ({
  async get(storeId, orderId) {
    const output = await client.send(
      new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }),
    );
    return output.Item?.storeId === storeId ? output.Item : undefined;
  },
});
