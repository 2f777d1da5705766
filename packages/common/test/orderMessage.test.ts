import { DEAD_LETTER_CLASS, inspectOrderMessage } from '../src';
import { anOrder, orderRecordAttributes } from '../src/testing';

const OPEN = new Set([7, 8]);

describe('inspectOrderMessage()', () => {
  it('accepts a valid order from an open store', () => {
    const order = anOrder();

    const result = inspectOrderMessage(
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
  ])('classifies %s', (_label, body, messageAttributes, classification) => {
    const result = inspectOrderMessage({ body, messageAttributes }, OPEN);

    expect(result).toEqual(expect.objectContaining({ ok: false, classification }));
  });

  it('keeps the orderId of a poison message when the body names one', () => {
    const order = anOrder();

    const result = inspectOrderMessage(
      { body: JSON.stringify(order), messageAttributes: orderRecordAttributes(null) },
      OPEN,
    );

    expect(result).toEqual(expect.objectContaining({ ok: false, orderId: order.orderId }));
  });
});
