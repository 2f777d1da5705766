import {
  ORDER_ID_PATTERN,
  ORDER_STATUS,
  OrderPipelineError,
  type OrderStatus,
  type StoredOrder,
} from '@order-pipeline/common';
import { callerStore } from './caller';
import { errorDetails, type RuntimeDeps } from './deps';
import { ERROR_CODE, RequestError } from './errors';
import { type ApiEvent, errorBody, type HttpResponse, jsonResponse, unavailableResponse } from './http';
import { inRequestScope } from './requestScope';

/** The orders table as GET sees it; the DynamoDB implementation is in sideEffects/table.ts. */
export interface OrderReader {
  /**
   * The store's order `orderId`, undefined when that store has none (another store's order with the
   * same id included); throws when the table failed.
   */
  get(storeId: number, orderId: string): Promise<Record<string, unknown> | undefined>;
}

export interface GetOrderDeps extends RuntimeDeps {
  orders: OrderReader;
}

/** What GET /orders/{orderId} answers: the stored order, as stored, and where it is in the pipeline. */
export interface OrderView {
  orderId: string;
  status: OrderStatus;
  storeId?: number;
  order?: StoredOrder['order'];
  traceId?: string;
  correlationId?: string;
  processedAt?: string;
  updatedAt?: string;
  deadLetter?: { class?: string; reason?: string };
}

/** A stored item written by another service is checked, not trusted: a foreign item is a 500, not a view. */
export class StoredItemError extends OrderPipelineError {}

const STATUSES: readonly string[] = Object.values(ORDER_STATUS);

export const toOrderView = (item: Record<string, unknown>): OrderView => {
  const stored = item as Partial<StoredOrder>;
  if (typeof stored.orderId !== 'string' || !STATUSES.includes(String(stored.status))) {
    throw new StoredItemError('the orders table holds an item that is not an order record');
  }
  const view: OrderView = {
    orderId: stored.orderId,
    status: stored.status as OrderStatus,
    storeId: stored.storeId,
    order: stored.order,
    traceId: stored.traceId,
    correlationId: stored.correlationId,
    processedAt: stored.processedAt,
    updatedAt: stored.updatedAt,
  };
  if (stored.status === ORDER_STATUS.deadLettered) {
    view.deadLetter = { class: stored.deadLetterClass, reason: stored.deadLetterReason };
  }
  return view;
};

/**
 * GET /orders/{orderId}: 200 with the stored order and its status (PROCESSED, DEAD_LETTERED), 404 when
 * the calling store has no such order (not yet processed, never sent, or another store's: answered
 * exactly alike, so that a key learns nothing of other stores), 400 for an id no order can have.
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
    let item: Record<string, unknown> | undefined;
    try {
      item = await deps.orders.get(storeId, orderId);
    } catch (error) {
      span.fail(error);
      deps.log.error('the orders table could not be read', {
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
