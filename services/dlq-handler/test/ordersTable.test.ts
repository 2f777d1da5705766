import { deadLetteredUpdate } from '../src/ordersTable';

const mark = {
  orderId: 'ord-1',
  messageId: 'm-1',
  classification: 'store-not-open' as const,
  reason: 'store 9 is not open',
  receiveCount: 3,
  at: '2026-11-22T12:00:00.000Z',
};

describe('deadLetteredUpdate()', () => {
  it('sets DEAD_LETTERED with the reason unless the order is PROCESSED, creating it when absent', () => {
    const update = deadLetteredUpdate('orders', mark);

    expect(update).toEqual(
      expect.objectContaining({
        TableName: 'orders',
        Key: { orderId: 'ord-1' },
        ConditionExpression:
          'attribute_not_exists(orderId) OR attribute_not_exists(#status) OR #status <> :processed',
      }),
    );
    expect(update.UpdateExpression).toContain('#status = :deadLettered');
    expect(update.UpdateExpression).toContain('deadLetterReason = :reason');
    expect(update.ExpressionAttributeValues).toEqual(
      expect.objectContaining({
        ':deadLettered': 'DEAD_LETTERED',
        ':processed': 'PROCESSED',
        ':reason': 'store 9 is not open',
        ':classification': 'store-not-open',
      }),
    );
  });

  it('sets storeId and traceId only when the dead letter names them', () => {
    const bare = deadLetteredUpdate('orders', mark);
    const full = deadLetteredUpdate('orders', {
      ...mark,
      storeId: 9,
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
    });

    expect(bare.UpdateExpression).not.toContain('storeId');
    expect(bare.ExpressionAttributeValues).not.toHaveProperty(':storeId');
    expect(full.UpdateExpression).toContain('storeId = :storeId');
    expect(full.ExpressionAttributeValues).toEqual(
      expect.objectContaining({ ':storeId': 9, ':traceId': '1-5759e988-bd862e3fe1be46a994272793' }),
    );
  });
});
