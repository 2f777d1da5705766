import { canonicalJson, orderFingerprint } from '../src/orderFingerprint';
import { anOrder } from '../src/testing/factories';

describe('canonicalJson()', () => {
  it('writes the same text whatever order the keys came in, arrays in their order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,1]},"b":1}');
  });
});

describe('orderFingerprint()', () => {
  const order = anOrder({ orderId: 'fp-1' });

  it('is the same for the same content with keys in another order', () => {
    const reordered = Object.fromEntries(Object.entries(order).reverse()) as typeof order;

    expect(orderFingerprint(reordered)).toBe(orderFingerprint(order));
  });

  it('ignores createdAt, which ingest assigns anew on each retry that gives none', () => {
    expect(orderFingerprint({ ...order, createdAt: '2030-01-01T00:00:00.000Z' })).toBe(
      orderFingerprint(order),
    );
  });

  it.each([
    ['storeId', { storeId: 8 }],
    ['currency', { currency: 'USD' }],
    ['a customer field', { customer: { ...order.customer, name: 'Grace Hopper' } }],
    ['the items’ order', { items: [...order.items].reverse() }],
    ['a quantity', { items: [{ ...order.items[0], quantity: 3 }] }],
  ] as const)('changes with %s', (_field, change) => {
    expect(orderFingerprint({ ...order, ...change } as typeof order)).not.toBe(orderFingerprint(order));
  });
});
