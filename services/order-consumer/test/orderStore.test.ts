import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ORDER_STATUS, type StoredOrder } from '@order-pipeline/common';
import { anOrder } from '@order-pipeline/common/testing';
import { createOrderStore, type DocumentSender } from '../src/orderStore';

const anItem = (): StoredOrder => {
  const order = anOrder();
  return {
    orderId: order.orderId,
    status: ORDER_STATUS.processed,
    storeId: order.storeId,
    order,
    messageId: 'm-1',
    processedAt: '2026-11-22T12:00:00.000Z',
    updatedAt: '2026-11-22T12:00:00.000Z',
  };
};

const sender = (answer: () => Promise<unknown>) => {
  const sent: PutCommand[] = [];
  const client: DocumentSender = {
    send: (command) => {
      sent.push(command);
      return answer();
    },
  };
  return { client, sent };
};

describe('createOrderStore().putOrder()', () => {
  it('puts the item on condition that no order with its orderId exists, unless only dead-lettered', async () => {
    const { client, sent } = sender(async () => ({}));
    const item = anItem();

    const result = await createOrderStore(client, 'orders-table').putOrder(item);

    expect(result).toBe('created');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutCommand);
    expect(sent[0]?.input).toEqual({
      TableName: 'orders-table',
      Item: item,
      ConditionExpression: 'attribute_not_exists(orderId) OR #status = :deadLettered',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':deadLettered': ORDER_STATUS.deadLettered },
    });
  });

  it('answers duplicate when the condition fails (the order is already stored)', async () => {
    const { client } = sender(async () => {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    });

    await expect(createOrderStore(client, 'orders-table').putOrder(anItem())).resolves.toBe('duplicate');
  });

  it('lets any other error through', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const { client } = sender(async () => {
      throw throttled;
    });

    await expect(createOrderStore(client, 'orders-table').putOrder(anItem())).rejects.toBe(throttled);
  });
});
