import { type Order, OrderValidationError, parseOrder, parseOrderRequest } from '../src';
import { anOrder } from '../src/testing';

type Customer = Order['customer'];

/** A valid order whose customer (and customer address) fields are replaced by `customer` (and `address`). */
const withCustomer = (customer: Partial<Customer>, address: Partial<Customer['address']> = {}): Order => {
  const order = anOrder();
  return {
    ...order,
    customer: { ...order.customer, ...customer, address: { ...order.customer.address, ...address } },
  };
};

const issuesOf = (input: unknown): string[] => {
  try {
    parseOrder(input);
  } catch (error) {
    if (error instanceof OrderValidationError) return error.issues.map((issue) => issue.path);
    throw error;
  }
  throw new Error('expected parseOrder to throw');
};

describe('parseOrder()', () => {
  it('returns the typed order for a valid one', () => {
    const order = anOrder();

    const parsed = parseOrder(JSON.parse(JSON.stringify(order)));

    expect(parsed).toEqual(order);
  });

  it('names every offending field, not only the first', () => {
    const broken = {
      ...withCustomer({ email: 'not-an-email' }, { country: 'Germany' }),
      storeId: 'seven',
      items: [{ sku: 'OK-1', quantity: 0, unitPriceCents: 1.5 }],
    };

    expect(issuesOf(broken).sort()).toEqual(
      [
        'customer.address.country',
        'customer.email',
        'items.0.quantity',
        'items.0.unitPriceCents',
        'storeId',
      ].sort(),
    );
  });

  it('rejects an order without items', () => {
    expect(issuesOf({ ...anOrder(), items: [] })).toEqual(['items']);
  });

  it('rejects a value that is not an object at the root', () => {
    expect(issuesOf('an order')).toEqual(['(root)']);
    expect(issuesOf(null)).toEqual(['(root)']);
  });

  it('requires orderId and createdAt on the queue contract', () => {
    const { orderId: _orderId, createdAt: _createdAt, ...rest } = anOrder();

    expect(issuesOf(rest).sort()).toEqual(['createdAt', 'orderId']);
  });

  it('carries a readable message listing each issue', () => {
    expect(() => parseOrder({ ...anOrder(), currency: 'euro' })).toThrow(
      /currency: must be an ISO 4217 code/,
    );
  });
});

describe('parseOrderRequest()', () => {
  it('accepts an order without orderId and createdAt, which ingest assigns', () => {
    const { orderId: _orderId, createdAt: _createdAt, ...request } = anOrder();

    expect(parseOrderRequest(request)).toEqual(request);
  });

  it('still rejects a malformed orderId', () => {
    expect(() => parseOrderRequest({ ...anOrder(), orderId: '../etc/passwd' })).toThrow(OrderValidationError);
  });
});

describe('free text in an order', () => {
  it.each([
    ['a lone surrogate', 'Ada \ud800 Lovelace'],
    ['a control character', 'Ada\u0007Lovelace'],
    ['a newline', 'Ada\nLovelace'],
  ])('is refused when it holds %s', (_label, name) => {
    expect(issuesOf(withCustomer({ name }))).toEqual(['customer.name']);
  });

  it('accepts any well-formed script', () => {
    expect(parseOrder(withCustomer({ name: 'Zoë Ørsted 李小龙 🙂' })).customer.name).toBe(
      'Zoë Ørsted 李小龙 🙂',
    );
  });
});

describe('required text made only of invisible characters', () => {
  it.each([
    ['zero-width spaces', '\u200b\u200b\u200b'],
    ['a BOM and joiners', '\ufeff\u200d\u2060'],
    ['ideographic and no-break spaces', '\u3000\u00a0\u2007'],
    ['Hangul fillers', '\u3164\u3164'],
    ['a lone combining accent', '\u0301'],
    ['bidi marks', '\u200e\u200f\u202a'],
  ])('is refused when it is %s', (_label, blank) => {
    const order = withCustomer({ name: blank }, { city: blank, postalCode: blank, line1: blank });

    expect(issuesOf(order).sort()).toEqual([
      'customer.address.city',
      'customer.address.line1',
      'customer.address.postalCode',
      'customer.name',
    ]);
  });

  it('keeps letters that come with combining marks or joiners', () => {
    const name = 'Zoe\u0308 \u0915\u094d\u200d\u0937 👩\u200d💻';

    expect(parseOrder(withCustomer({ name })).customer.name).toBe(name);
  });
});

describe('a phone number', () => {
  it.each(['((((((((', '-- -- --', '+ ( ) 1'])('is refused without enough digits: %s', (phone) => {
    expect(issuesOf(withCustomer({ phone }))).toEqual(['customer.phone']);
  });

  it('is accepted with digits in the usual punctuation', () => {
    expect(parseOrder(withCustomer({ phone: '+49 (30) 1234-5678' })).customer.phone).toBe(
      '+49 (30) 1234-5678',
    );
  });
});
