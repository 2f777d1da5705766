import { createLogger, MASK, maskPersonalData } from '../src';
import { anOrder } from '../src/testing';

describe('maskPersonalData()', () => {
  it('masks personal fields at any depth and keeps the rest', () => {
    const order = anOrder();

    const masked = maskPersonalData({ order, nested: [{ national_id: 'AB123456C' }] }) as {
      order: { customer: Record<string, unknown>; orderId: string; items: unknown };
      nested: Array<Record<string, unknown>>;
    };

    expect(masked.order.customer).toEqual({ name: MASK, email: MASK, phone: MASK, address: MASK });
    expect(masked.order.orderId).toBe(order.orderId);
    expect(masked.order.items).toEqual(order.items);
    expect(masked.nested[0]?.national_id).toBe(MASK);
  });

  it('masks e-mail addresses inside free text', () => {
    expect(maskPersonalData({ message: 'mail ada@example.com failed' })).toEqual({
      message: `mail ${MASK} failed`,
    });
  });
});

describe('createLogger()', () => {
  it('writes JSON lines in which no personal data appears', () => {
    const lines: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    // Powertools writes through console.info; capture both routes.
    jest.spyOn(console, 'info').mockImplementation((line: string) => {
      lines.push(line);
    });
    const logger = createLogger('test-service');
    const order = anOrder();

    logger.info('order received', { order, customerEmail: order.customer.email });

    const output = lines.join('\n');
    expect(output).toContain(order.orderId);
    expect(output).toContain('"service":"test-service"');
    for (const secret of [order.customer.name, order.customer.email, order.customer.address.line1]) {
      expect(output).not.toContain(secret);
    }
  });
});
