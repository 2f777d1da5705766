import { ORDER_STATUS, orderFingerprint } from '@order-pipeline/common';
import type { StoredOrder } from '@order-pipeline/common/orders-table';
import { anOrder, FakeOrdersTable } from '@order-pipeline/common/testing';
import { getOrder } from '../src/getOrder';
import { type ErrorAnswer, fakeRuntime, getEvent, parseBody } from './factories';

const storedOrder = (overrides: Partial<StoredOrder> = {}): StoredOrder => {
  const order = anOrder();
  return {
    orderId: order.orderId,
    fingerprint: orderFingerprint(order),
    status: ORDER_STATUS.processed,
    storeId: order.storeId,
    order,
    messageId: 'msg-1',
    traceId: '1-5759e988-bd862e3fe1be46a994272793',
    correlationId: 'corr-1',
    receiveCount: 1,
    processedAt: '2026-11-22T10:00:01.000Z',
    updatedAt: '2026-11-22T10:00:01.000Z',
    ...overrides,
  };
};

const setup = (items: StoredOrder[], fails?: Error) => {
  const { runtime, spans, lines } = fakeRuntime();
  const orders = new FakeOrdersTable();
  for (const item of items) orders.seed(item);
  if (fails) orders.failNext.push(fails);
  const reads = () => orders.calls.map((call) => call.argument);
  return { deps: { ...runtime, orders }, reads, spans, lines };
};

describe('getOrder()', () => {
  it("answers the stored order, with the customer's data as stored, and its status", async () => {
    const item = storedOrder();
    const { deps } = setup([item]);

    const response = await getOrder(getEvent(item.orderId), deps);

    expect(response.statusCode).toBe(200);
    expect(parseBody(response)).toEqual({
      orderId: item.orderId,
      status: 'PROCESSED',
      storeId: item.storeId,
      order: item.order,
      messageId: item.messageId,
      traceId: item.traceId,
      correlationId: item.correlationId,
      processedAt: item.processedAt,
      updatedAt: item.updatedAt,
    });
  });

  it('says why an order was dead-lettered', async () => {
    const item = storedOrder({
      status: ORDER_STATUS.deadLettered,
      deadLetterClass: 'store-not-open',
      deadLetterReason: 'store 99 is not open',
    });
    const { deps } = setup([item]);

    const response = await getOrder(getEvent(item.orderId), deps);

    expect(parseBody(response)).toEqual(
      expect.objectContaining({
        status: 'DEAD_LETTERED',
        deadLetter: { class: 'store-not-open', reason: 'store 99 is not open' },
      }),
    );
  });

  it('answers 404 with a JSON error for an unknown orderId', async () => {
    const { deps } = setup([]);

    const response = await getOrder(getEvent('ord-unknown'), deps);

    expect(response.statusCode).toBe(404);
    expect(parseBody(response)).toEqual({
      error: { code: 'order-not-found', message: 'there is no order ord-unknown' },
    });
  });

  it('answers 400 without reading the table for an id no order can have', async () => {
    const { deps, reads } = setup([]);

    const response = await getOrder(getEvent('-starts-with-a-dash'), deps);

    expect(response.statusCode).toBe(400);
    expect(parseBody<ErrorAnswer>(response).error.code).toBe('invalid-order-id');
    expect(reads()).toEqual([]);
  });

  it('answers 503 with Retry-After when the table fails', async () => {
    const { deps, spans } = setup([], new Error('ProvisionedThroughputExceededException'));

    const response = await getOrder(getEvent('ord-1'), deps);

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(parseBody<ErrorAnswer>(response).error.code).toBe('table-unavailable');
    expect(spans[0]?.failures).toHaveLength(1);
  });

  it('reports an order ingest recorded but the consumer has not processed yet as ACCEPTED', async () => {
    const item = storedOrder({
      status: ORDER_STATUS.accepted,
      order: undefined,
      acceptedAt: '2026-11-22T10:00:00.000Z',
    });
    const { deps } = setup([item]);

    const response = await getOrder(getEvent(item.orderId), deps);

    expect(response.statusCode).toBe(200);
    expect(parseBody(response)).toEqual(
      expect.objectContaining({ status: 'ACCEPTED', acceptedAt: '2026-11-22T10:00:00.000Z' }),
    );
  });

  it("reads with the caller's store, and answers another store's order exactly as a missing one", async () => {
    const item = storedOrder({ storeId: 8 });
    const { deps, reads } = setup([item]);

    const foreign = await getOrder(getEvent(item.orderId, { store: { storeId: 7, status: 'open' } }), deps);
    const missing = await getOrder(getEvent('ord-unknown'), deps);

    expect(reads()).toEqual([
      { storeId: 7, orderId: item.orderId },
      { storeId: 7, orderId: 'ord-unknown' },
    ]);
    expect(foreign.statusCode).toBe(404);
    expect(parseBody(foreign)).toEqual({
      error: { code: 'order-not-found', message: `there is no order ${item.orderId}` },
    });
    expect(Object.keys(parseBody<ErrorAnswer>(foreign).error)).toEqual(
      Object.keys(parseBody<ErrorAnswer>(missing).error),
    );
  });

  it('ignores a storeId query parameter: only the key names the store', async () => {
    const item = storedOrder({ storeId: 8 });
    const { deps, reads } = setup([item]);

    const response = await getOrder(
      getEvent(item.orderId, { queryStringParameters: { storeId: '8' } }),
      deps,
    );

    expect(response.statusCode).toBe(404);
    expect(reads()).toEqual([{ storeId: 7, orderId: item.orderId }]);
  });

  it("answers a closed store's own orders", async () => {
    const item = storedOrder({ storeId: 9 });
    const { deps } = setup([item]);

    const response = await getOrder(
      getEvent(item.orderId, { store: { storeId: 9, status: 'closed' } }),
      deps,
    );

    expect(response.statusCode).toBe(200);
  });

  it('fails as a server error when no authorizer named the store', async () => {
    const { deps, reads } = setup([]);

    await expect(getOrder(getEvent('ord-1', { store: null }), deps)).rejects.toThrow('no store identity');
    expect(reads()).toEqual([]);
  });
});
