import { type OrderRequest, OrderValidationError, parseOrderRequest } from '@order-pipeline/common';
import { assertOrdersFor, assertStoreOpen, callerStore } from './caller';
import { ERROR_CODE, errorDetails, RequestError } from './errors';
import { type ApiEvent, type HttpResponse, jsonResponse, readJsonBody, unavailableResponse } from './http';
import { admitOrder, confirmSent, type IdempotencyTable } from './idempotency';
import { readIdempotencyKey } from './idempotencyKey';
import { MAX_ORDER_BYTES } from './limits';
import { buildOrderMessage, prepareOrder } from './orderMessage';
import type { OrdersQueue } from './ordersQueue';
import { inRequestScope, type RouteDependencies } from './requestScope';

export interface CreateOrderDeps extends RouteDependencies {
  ordersQueue: Pick<OrdersQueue, 'send'>;
  orders: IdempotencyTable;
}

/** What POST /orders answers with 202. */
export interface OrderAccepted {
  orderId: string;
  messageId: string;
  traceId: string;
  correlationId: string;
}

/** Set on a 202 that answers a replay: the order was accepted before, nothing new was sent. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** How to retry an answer that may hide a queued order, in every such answer. */
export const RETRY_SAFELY =
  'retry with the same orderId, or without one under the same Idempotency-Key: a retry never creates a second order';

/** 409: another order already holds this `(storeId, orderId)`. */
export const conflictError = (orderId: string): RequestError =>
  new RequestError(
    409,
    ERROR_CODE.orderConflict,
    `orderId ${orderId} is already used by an order with other content; use a new orderId for a new order`,
  );

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
 * POST /orders: checks the caller's store (403 when it is closed or the order is another store's, before
 * anything is recorded), validates one order, completes it (orderId, createdAt), records its idempotency
 * record (./idempotency.ts) and sends it to the orders queue with its attributes and the span's
 * AWSTraceHeader. 202 once SQS confirmed it (or it was confirmed before: a replay, same answer); 409 when
 * the orderId holds other content; 400/403/413/415 with nothing sent; 503 with Retry-After when the
 * table or SQS failed (the answer carries the orderId and says how to retry safely).
 */
export const createOrder = (event: ApiEvent, deps: CreateOrderDeps): Promise<HttpResponse> =>
  inRequestScope(event, deps, 'POST /orders', async ({ correlationId, headers, span }) => {
    const caller = callerStore(event);
    assertStoreOpen(caller);
    const idempotencyKey = readIdempotencyKey(event);
    const body = readJsonBody(event, MAX_ORDER_BYTES);
    assertOrdersFor(caller, [body], () => 'storeId');
    const order = prepareOrder(readOrderRequest(body), {
      now: deps.clock(),
      uuid: deps.uuid,
      idempotencyKey:
        idempotencyKey === undefined ? undefined : { storeId: caller.storeId, key: idempotencyKey },
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
    const admission = await admitOrder(message, deps.orders, {
      correlationId,
      traceId: span.traceId,
      now: deps.clock(),
    });
    switch (admission.kind) {
      case 'conflict':
        deps.logger.warn('order refused: its orderId holds other content', {
          ...context,
          storeId: order.storeId,
        });
        throw conflictError(order.orderId);
      case 'unavailable':
        span.fail(admission.error);
        deps.logger.error('the orders table did not record the order', {
          ...context,
          error: errorDetails(admission.error),
        });
        return unavailableResponse(
          ERROR_CODE.tableUnavailable,
          `the order was not queued; ${RETRY_SAFELY}`,
          context,
          headers,
        );
      case 'replayed': {
        deps.logger.info('order replayed: accepted before, nothing sent', {
          ...context,
          messageId: admission.messageId,
        });
        // The trace that follows the queued message is the first request's; this request's own
        // trace (in the log line above and X-Amzn-Trace-Id) only records the replay.
        const replayed: OrderAccepted = {
          ...context,
          traceId: admission.traceId ?? context.traceId,
          messageId: admission.messageId,
        };
        return jsonResponse(202, replayed, { ...headers, [REPLAYED_HEADER]: 'true' });
      }
      case 'send':
        break;
    }
    let messageId: string;
    try {
      ({ messageId } = await deps.ordersQueue.send(message));
    } catch (error) {
      span.fail(error);
      deps.logger.error('the orders queue did not confirm the order', {
        ...context,
        error: errorDetails(error),
      });
      return unavailableResponse(
        ERROR_CODE.queueUnavailable,
        `the order may or may not be queued; ${RETRY_SAFELY}`,
        context,
        headers,
      );
    }
    await confirmSent(message, messageId, deps);
    deps.logger.info('order accepted', { ...context, storeId: order.storeId, messageId });
    const accepted: OrderAccepted = {
      orderId: order.orderId,
      messageId,
      traceId: span.traceId,
      correlationId,
    };
    return jsonResponse(202, accepted, headers);
  });
