import { ORDER_CONTENT_TYPE, ORDER_ID_PATTERN, TraceHeaderError } from '@order-pipeline/common';
import { anOrder, FIXED_NOW, TRACE_HEADER } from '@order-pipeline/common/testing';
import { buildOrderMessage, messageBytes, newOrderId, prepareOrder, sqsSafeJson } from '../src/orderMessage';
import { orderRequest } from './factories';

describe('newOrderId()', () => {
  it('makes an id that ORDER_ID_PATTERN accepts', () => {
    expect(newOrderId('6f1c2f9e-3a4b-4c5d-8e9f-0a1b2c3d4e5f')).toMatch(ORDER_ID_PATTERN);
  });
});

describe('prepareOrder()', () => {
  it('keeps the orderId and createdAt a store gave', () => {
    const order = anOrder();

    expect(prepareOrder(order, { now: FIXED_NOW, uuid: () => 'unused' })).toEqual(order);
  });

  it('assigns both when absent', () => {
    const prepared = prepareOrder(orderRequest() as Parameters<typeof prepareOrder>[0], {
      now: FIXED_NOW,
      uuid: () => '6f1c2f9e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
    });

    expect(prepared.orderId).toBe('ord-6f1c2f9e-3a4b-4c5d-8e9f-0a1b2c3d4e5f');
    expect(prepared.createdAt).toBe(FIXED_NOW.toISOString());
  });
});

describe('sqsSafeJson()', () => {
  it('escapes the two characters SQS refuses that JSON.stringify leaves as they are', () => {
    const value = { name: 'a\uFFFEb\uFFFFc', control: '\u0001', lone: '\uD800' };

    const json = sqsSafeJson(value);

    expect(json).toMatch(/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('messageBytes()', () => {
  it('counts the body and every attribute name, type and value in UTF-8 bytes', () => {
    expect(messageBytes('é', { ab: { DataType: 'String', StringValue: 'ü' } })).toBe(2 + 2 + 6 + 2);
  });
});

describe('buildOrderMessage()', () => {
  it('carries the order, the four contract attributes and the trace header', () => {
    const order = anOrder({ storeId: 3 });

    const message = buildOrderMessage(order, { correlationId: 'c-1', traceHeader: TRACE_HEADER });

    expect(JSON.parse(message.body)).toEqual(order);
    expect(Object.keys(message.attributes).sort()).toEqual([
      'content_type',
      'correlation_id',
      'producer',
      'store_id',
    ]);
    expect(message.attributes.content_type?.StringValue).toBe(ORDER_CONTENT_TYPE);
    expect(message.traceHeader).toBe(TRACE_HEADER);
    expect(message.bytes).toBe(messageBytes(message.body, message.attributes));
  });

  it('refuses a malformed trace header rather than forward it', () => {
    expect(() => buildOrderMessage(anOrder(), { correlationId: 'c-1', traceHeader: 'Root=nope' })).toThrow(
      TraceHeaderError,
    );
  });
});
