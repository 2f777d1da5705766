import { createLogger } from '../src';
import { anOrder } from '../src/testing';

const captureLines = (): string[] => {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
  // Powertools writes through console.info/warn/error (its own Console on these streams, or the global one).
  const push = (line?: unknown) => {
    lines.push(String(line));
  };
  jest.spyOn(console, 'info').mockImplementation(push);
  jest.spyOn(console, 'warn').mockImplementation(push);
  jest.spyOn(console, 'error').mockImplementation(push);
  return lines;
};

describe('createLogger()', () => {
  it('writes JSON lines in which no personal data appears', () => {
    const lines = captureLines();
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

  it("keeps a logged error's name and masks what its message echoes", () => {
    const lines = captureLines();
    const logger = createLogger('test-service');

    logger.error('write failed', { error: new TypeError('no card 4111 1111 1111 1111 for ada@example.com') });

    const line = JSON.parse(lines.join('')) as { error: { name: string; message: string } };
    expect(line.error.name).toBe('TypeError');
    expect(line.error.message).toBe('no card ****1111 for a***@example.com');
  });

  it('writes verbatim keys as given only when they are id-shaped', () => {
    const lines = captureLines();
    const logger = createLogger('test-service', { verbatimKeys: ['orderId', 'note'] });

    logger.info('record', { orderId: 'ord-1', note: 'call +44 20 7946 0958' });

    const line = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(line.orderId).toBe('ord-1');
    expect(line.note).toBe('call +** ** **** **58');
  });
});
