import { ORDER_ID_PATTERN, ORDER_STATUS, type OrderStatus } from '@order-pipeline/common';
import type { OrdersTable, StoredOrder } from '@order-pipeline/common/orders-table';
import { callerStore } from './caller';
import { ERROR_CODE, errorDetails, RequestError } from './errors';
import { type ApiEvent, errorBody, type HttpResponse, jsonResponse, unavailableResponse } from './http';
import { inRequestScope, type RouteDependencies } from './requestScope';

export interface GetOrderDeps extends RouteDependencies {
  orders: Pick<OrdersTable, 'get'>;
}

/** What GET /orders/{orderId} answers: the stored order, as stored, and where it is in the pipeline. */
export interface OrderView {
  orderId: string;
  storeId: number;
  status: OrderStatus;
  order?: StoredOrder['order'];
  messageId?: string;
  traceId?: string;
  correlationId?: string;
  acceptedAt?: string;
  processedAt?: string;
  updatedAt?: string;
  deadLetter?: { class?: string; reason?: string };
}

const toOrderView = (stored: StoredOrder): OrderView => {
  const view: OrderView = {
    orderId: stored.orderId,
    storeId: stored.storeId,
    status: stored.status,
    order: stored.order,
    messageId: stored.messageId,
    traceId: stored.traceId,
    correlationId: stored.correlationId,
    acceptedAt: stored.acceptedAt,
    processedAt: stored.processedAt,
    updatedAt: stored.updatedAt,
  };
  if (stored.status === ORDER_STATUS.deadLettered) {
    view.deadLetter = { class: stored.deadLetterClass, reason: stored.deadLetterReason };
  }
  return view;
};

/**
 * GET /orders/{orderId}: 200 with the order's status: ACCEPTED (recorded by ingest, not processed yet: no
 * `order` field), PROCESSED (with the order as stored) or DEAD_LETTERED (with why); 404 when the calling
 * store has no such order (never sent, or another store's: answered exactly alike, so that a key learns
 * nothing of other stores), 400 for an id no order can have. Orders are keyed by `(storeId, orderId)`;
 * the store is the one whose API key made the request.
 * The customer's data is answered as stored to the store that authenticated with its API key; it is
 * never logged.
 */
export const getOrder = (event: ApiEvent, deps: GetOrderDeps): Promise<HttpResponse> =>
  inRequestScope(event, deps, 'GET /orders/{orderId}', async ({ correlationId, headers, span }) => {
    const { storeId } = callerStore(event);
    const orderId = event.pathParameters?.orderId ?? '';
    if (!ORDER_ID_PATTERN.test(orderId)) {
      throw new RequestError(
        400,
        ERROR_CODE.invalidOrderId,
        'orderId must be 1-64 letters, digits, _ or -, starting alphanumeric',
      );
    }
    span.annotate('orderId', orderId);
    span.annotate('storeId', storeId);
    let item: StoredOrder | undefined;
    try {
      item = await deps.orders.get({ storeId, orderId });
    } catch (error) {
      span.fail(error);
      deps.logger.error('the orders table could not be read', {
        orderId,
        correlationId,
        error: errorDetails(error),
      });
      return unavailableResponse(
        ERROR_CODE.tableUnavailable,
        'the order could not be read; retry later',
        { orderId, correlationId },
        headers,
      );
    }
    if (item === undefined) {
      return jsonResponse(
        404,
        { error: errorBody(ERROR_CODE.orderNotFound, `there is no order ${orderId}`) },
        headers,
      );
    }
    return jsonResponse(200, toOrderView(item), headers);
  });
