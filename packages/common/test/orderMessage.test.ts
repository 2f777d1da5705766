import { DEAD_LETTER_CLASS, inspectOrderMessage } from '../src';
import { anOrder, openStores, orderRecordAttributes } from '../src/testing';

const OPEN = openStores(7, 8);

describe('inspectOrderMessage()', () => {
  it('accepts a valid order from an open store', async () => {
    const order = anOrder();

    const result = await inspectOrderMessage(
      { body: JSON.stringify(order), messageAttributes: orderRecordAttributes(7) },
      OPEN,
    );

    expect(result).toEqual({ ok: true, order, attributes: expect.objectContaining({ storeId: 7 }) });
  });

  it.each([
    ['a body that is not JSON', '{oops', orderRecordAttributes(7), DEAD_LETTER_CLASS.unparseable],
    [
      'no store_id attribute',
      JSON.stringify(anOrder()),
      orderRecordAttributes(null),
      DEAD_LETTER_CLASS.missingStoreId,
    ],
    [
      'a store_id of the wrong type',
      JSON.stringify(anOrder()),
      { store_id: { dataType: 'String', stringValue: '7' } },
      DEAD_LETTER_CLASS.missingStoreId,
    ],
    [
      'a body that is not an order',
      JSON.stringify({ orderId: 'o-1' }),
      orderRecordAttributes(7),
      DEAD_LETTER_CLASS.invalidOrder,
    ],
    [
      'a store_id that disagrees with the body',
      JSON.stringify(anOrder({ storeId: 8 })),
      orderRecordAttributes(7),
      DEAD_LETTER_CLASS.invalidOrder,
    ],
    [
      'a store that is not open',
      JSON.stringify(anOrder({ storeId: 9 })),
      orderRecordAttributes(9),
      DEAD_LETTER_CLASS.storeNotOpen,
    ],
  ])('classifies %s', async (_label, body, messageAttributes, classification) => {
    const result = await inspectOrderMessage({ body, messageAttributes }, OPEN);

    expect(result).toEqual(expect.objectContaining({ ok: false, classification }));
  });

  it('keeps the orderId of a poison message when the body names one', async () => {
    const order = anOrder();

    const result = await inspectOrderMessage(
      { body: JSON.stringify(order), messageAttributes: orderRecordAttributes(null) },
      OPEN,
    );

    expect(result).toEqual(expect.objectContaining({ ok: false, orderId: order.orderId }));
  });
});

describe('inspectOrderMessage() and the stores registry', () => {
  it('asks the registry only about a message that is otherwise a valid order', async () => {
    const stores = openStores(7);

    await inspectOrderMessage({ body: '{oops', messageAttributes: orderRecordAttributes(8) }, stores);
    await inspectOrderMessage(
      { body: JSON.stringify(anOrder({ storeId: 8 })), messageAttributes: orderRecordAttributes(8) },
      stores,
    );

    expect(stores.asked).toEqual([8]);
  });

  it('fails, rather than classifies, when the registry cannot be read', async () => {
    const stores = { isOpen: () => Promise.reject(new Error('throttled')) };

    await expect(
      inspectOrderMessage(
        { body: JSON.stringify(anOrder()), messageAttributes: orderRecordAttributes(7) },
        stores,
      ),
    ).rejects.toThrow('throttled');
  });
});
