import { type OrderRequest, OrderValidationError, parseOrderRequest } from '@order-pipeline/common';
import { assertOrdersFor, assertStoreOpen, callerStore } from './caller';
import { errorDetails, type RuntimeDeps } from './deps';
import { ERROR_CODE, RequestError } from './errors';
import { type ApiEvent, type HttpResponse, jsonResponse, readJsonBody, unavailableResponse } from './http';
import { MAX_ORDER_BYTES } from './limits';
import { buildOrderMessage, prepareOrder } from './orderMessage';
import type { OrderQueue } from './orderQueue';
import { inRequestScope } from './requestScope';

export interface CreateOrderDeps extends RuntimeDeps {
  queue: Pick<OrderQueue, 'send'>;
}

/** What POST /orders answers with 202. */
export interface OrderAccepted {
  orderId: string;
  messageId: string;
  traceId: string;
  correlationId: string;
}

/** Parses with the shared schema, turning its error into a 400 that lists every bad field. */
export const readOrderRequest = (input: unknown): OrderRequest => {
  try {
    return parseOrderRequest(input);
  } catch (error) {
    if (!(error instanceof OrderValidationError)) throw error;
    throw new RequestError(400, ERROR_CODE.invalidOrder, 'the order is not valid', error.issues);
  }
};

/**
 * POST /orders: validates one order, completes it (orderId, createdAt) and sends it to the orders
 * queue with its attributes and the span's AWSTraceHeader. 202 once SQS confirmed it; 400/413/415, and
 * 403 for a closed store or an order of another store than the key's, with nothing sent; 503 with Retry-After when SQS failed (the answer carries the orderId to retry with).
 */
export const createOrder = (event: ApiEvent, deps: CreateOrderDeps): Promise<HttpResponse> =>
  inRequestScope(event, deps, 'POST /orders', async ({ correlationId, headers, span }) => {
    const caller = callerStore(event);
    assertStoreOpen(caller);
    const body = readJsonBody(event, MAX_ORDER_BYTES);
    assertOrdersFor(caller, [body], () => 'storeId');
    const order = prepareOrder(readOrderRequest(body), {
      now: deps.now(),
      uuid: deps.uuid,
    });
    span.annotate('orderId', order.orderId);
    span.annotate('storeId', order.storeId);
    const message = buildOrderMessage(order, { correlationId, traceHeader: span.header() });
    if (message.bytes > MAX_ORDER_BYTES) {
      throw new RequestError(
        413,
        ERROR_CODE.payloadTooLarge,
        `the order's message is ${message.bytes} bytes; at most ${MAX_ORDER_BYTES} are accepted`,
      );
    }
    const context = { orderId: order.orderId, correlationId, traceId: span.traceId };
    let messageId: string;
    try {
      ({ messageId } = await deps.queue.send(message));
    } catch (error) {
      span.fail(error);
      deps.log.error('the orders queue did not confirm the order', {
        ...context,
        error: errorDetails(error),
      });
      return unavailableResponse(
        ERROR_CODE.queueUnavailable,
        'the order could not be queued; retry later with the same orderId',
        context,
        headers,
      );
    }
    deps.log.info('order accepted', { ...context, storeId: order.storeId, messageId });
    const accepted: OrderAccepted = {
      orderId: order.orderId,
      messageId,
      traceId: span.traceId,
      correlationId,
    };
    return jsonResponse(202, accepted, headers);
  });
