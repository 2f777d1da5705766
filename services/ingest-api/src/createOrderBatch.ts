import type { FieldIssue, Order } from '@order-pipeline/common';
import { assertOrdersFor, assertStoreOpen, callerStore } from './caller';
import { conflictError, RETRY_SAFELY, readOrderRequest } from './createOrder';
import { ERROR_CODE, errorDetails, RequestError } from './errors';
import {
  type ApiEvent,
  type ErrorBody,
  errorBody,
  type HttpResponse,
  jsonResponse,
  readJsonBody,
  unavailableResponse,
} from './http';
import {
  type Admission,
  admitOrder,
  confirmSent,
  type IdempotencyTable,
  releaseRefused,
} from './idempotency';
import { readIdempotencyKey } from './idempotencyKey';
import { MAX_BATCH_BODY_BYTES, MAX_BATCH_ORDERS, MAX_ORDER_BYTES } from './limits';
import { buildOrderMessage, type OrderMessage, prepareOrder } from './orderMessage';
import type { OrdersQueue } from './ordersQueue';
import { inRequestScope, type RouteDependencies } from './requestScope';
import { type SendOutcome, sendInBatches } from './sendInBatches';

export interface CreateOrderBatchDeps extends RouteDependencies {
  ordersQueue: Pick<OrdersQueue, 'sendBatch'>;
  orders: IdempotencyTable;
  sleep(ms: number): Promise<void>;
}

/** This invocation's clock: milliseconds left before Lambda stops it. */
export interface Invocation {
  remainingTimeMs(): number;
}

/** One order of the batch, by its index in `orders`. */
export type BatchItemResult =
  | { index: number; status: 'accepted'; orderId: string; messageId: string }
  | { index: number; status: 'rejected'; orderId?: string; error: ErrorBody }
  | { index: number; status: 'failed'; orderId: string; error: ErrorBody };

/** Every answer to a batch that got as far as sending (202, 207 and 503) carries all of this. */
export interface BatchReport {
  correlationId: string;
  traceId: string;
  accepted: number;
  rejected: number;
  failed: number;
  results: BatchItemResult[];
}

const readBatch = (input: unknown): unknown[] => {
  const orders =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? (input as { orders?: unknown }).orders
      : undefined;
  if (!Array.isArray(orders)) {
    throw new RequestError(400, ERROR_CODE.invalidBatch, 'the body must be { "orders": [ ... ] }', [
      { path: 'orders', message: 'must be an array of orders' },
    ]);
  }
  if (orders.length === 0) {
    throw new RequestError(400, ERROR_CODE.emptyBatch, 'the batch holds no orders');
  }
  if (orders.length > MAX_BATCH_ORDERS) {
    throw new RequestError(
      400,
      ERROR_CODE.batchTooLarge,
      `the batch holds ${orders.length} orders; at most ${MAX_BATCH_ORDERS} are accepted`,
    );
  }
  return orders;
};

type Candidate =
  | { index: number; message: OrderMessage }
  | { index: number; rejected: Extract<BatchItemResult, { status: 'rejected' }> };

const rejected = (index: number, error: ErrorBody, orderId?: string): Candidate => ({
  index,
  rejected: { index, status: 'rejected', ...(orderId === undefined ? {} : { orderId }), error },
});

/** Validates and completes every order; a second use of an orderId in one batch is refused. */
const prepareCandidates = (
  orders: readonly unknown[],
  context: {
    now: Date;
    uuid: () => string;
    correlationId: string;
    traceHeader: string;
    /** The request's Idempotency-Key and the calling store it belongs to. */
    idempotencyKey: { storeId: number; key: string } | undefined;
  },
): Candidate[] => {
  const firstIndexOf = new Map<string, number>();
  return orders.map((raw, index) => {
    let order: Order;
    try {
      order = prepareOrder(readOrderRequest(raw), {
        ...context,
        idempotencyKey:
          context.idempotencyKey === undefined ? undefined : { ...context.idempotencyKey, index },
      });
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      return rejected(index, errorBody(error.code, error.message, error.issues));
    }
    // Orders are keyed by (storeId, orderId).
    const key = `${order.storeId}/${order.orderId}`;
    const first = firstIndexOf.get(key);
    if (first !== undefined) {
      // Both would compete for one idempotency record (a replay or a conflict): refused up front instead.
      return rejected(
        index,
        errorBody(ERROR_CODE.duplicateOrderId, `orderId is also used by the order at index ${first}`),
        order.orderId,
      );
    }
    firstIndexOf.set(key, index);
    const message = buildOrderMessage(order, context);
    if (message.bytes > MAX_ORDER_BYTES) {
      return rejected(
        index,
        errorBody(
          ERROR_CODE.payloadTooLarge,
          `the order's message is ${message.bytes} bytes; at most ${MAX_ORDER_BYTES} are accepted`,
        ),
        order.orderId,
      );
    }
    return { index, message };
  });
};

const toResult = (index: number, message: OrderMessage, outcome: SendOutcome): BatchItemResult => {
  const { orderId } = message;
  switch (outcome.status) {
    case 'accepted':
      return { index, status: 'accepted', orderId, messageId: outcome.messageId };
    case 'rejected':
      return {
        index,
        status: 'rejected',
        orderId,
        error: errorBody(ERROR_CODE.queueRejected, `the queue refused the message (${outcome.code})`),
      };
    case 'failed':
      return {
        index,
        status: 'failed',
        orderId,
        error: errorBody(
          ERROR_CODE.queueUnavailable,
          'not confirmed by the queue; retry with the same orderId',
        ),
      };
  }
};

/** Every rejection as issues under `orders.<index>`, for the 400 that answers a batch with none accepted. */
const issuesOf = (results: readonly BatchItemResult[]): FieldIssue[] =>
  results.flatMap((result) => {
    if (result.status !== 'rejected') return [];
    const base = `orders.${result.index}`;
    const issues = result.error.issues ?? [{ path: '(root)', message: result.error.message }];
    return issues.map((issue) => ({
      path: issue.path === '(root)' ? base : `${base}.${issue.path}`,
      message: issue.message,
    }));
  });

const count = (results: readonly BatchItemResult[], status: BatchItemResult['status']): number =>
  results.filter((result) => result.status === status).length;

const distinctReasons = (outcomes: readonly SendOutcome[], status: 'rejected' | 'failed'): string[] => [
  ...new Set(
    outcomes.flatMap((outcome) => {
      if (outcome.status !== status) return [];
      return [outcome.status === 'rejected' ? `${outcome.code}: ${outcome.reason}` : outcome.reason];
    }),
  ),
];

/** The answer for an order the idempotency record settles without sending, or undefined to send it. */
const settledByRecord = (
  index: number,
  message: OrderMessage,
  admission: Admission,
): BatchItemResult | undefined => {
  const { orderId } = message;
  switch (admission.kind) {
    case 'send':
      return undefined;
    case 'replayed':
      return { index, status: 'accepted', orderId, messageId: admission.messageId };
    case 'conflict': {
      const conflict = conflictError(orderId);
      return { index, status: 'rejected', orderId, error: errorBody(conflict.code, conflict.message) };
    }
    case 'unavailable':
      return {
        index,
        status: 'failed',
        orderId,
        error: errorBody(ERROR_CODE.tableUnavailable, `not queued; ${RETRY_SAFELY}`),
      };
  }
};

/**
 * Records every valid order's idempotency record, sends those it says to send, and completes (or, when SQS
 * refused them, releases) their records; answers every order's result in request order, and the raw SQS
 * outcomes.
 */
const sendValid = async (
  candidates: readonly Candidate[],
  deps: CreateOrderBatchDeps,
  invocation: Invocation,
  context: { correlationId: string; traceId: string },
): Promise<{ results: BatchItemResult[]; outcomes: SendOutcome[] }> => {
  const valid = candidates.flatMap((candidate) => ('message' in candidate ? [candidate] : []));
  const now = deps.clock();
  const admissions = await Promise.all(
    valid.map((candidate) => admitOrder(candidate.message, deps.orders, { ...context, now })),
  );
  const settled = new Map<number, BatchItemResult>();
  for (const [position, candidate] of valid.entries()) {
    const admission = admissions[position] as Admission;
    if (admission.kind === 'unavailable') {
      deps.logger.error('the orders table did not record an order', {
        ...context,
        orderId: candidate.message.orderId,
        error: errorDetails(admission.error),
      });
    }
    const result = settledByRecord(candidate.index, candidate.message, admission);
    if (result !== undefined) settled.set(candidate.index, result);
  }
  const sendable = valid.filter((candidate) => !settled.has(candidate.index));
  const outcomes = await sendInBatches(
    sendable.map((candidate) => candidate.message),
    { ordersQueue: deps.ordersQueue, sleep: deps.sleep, remainingTimeMs: invocation.remainingTimeMs },
  );
  await Promise.all(
    sendable.map(async (candidate, position) => {
      const outcome = outcomes[position] as SendOutcome;
      settled.set(candidate.index, toResult(candidate.index, candidate.message, outcome));
      if (outcome.status === 'accepted') await confirmSent(candidate.message, outcome.messageId, deps);
      if (outcome.status === 'rejected') await releaseRefused(candidate.message, deps);
    }),
  );
  const results = candidates.map((candidate) =>
    'rejected' in candidate ? candidate.rejected : (settled.get(candidate.index) as BatchItemResult),
  );
  return { results, outcomes };
};

/**
 * POST /orders/batch `{ "orders": [...] }` (1-100 orders). Each valid order is sent as in POST /orders,
 * 10 per SendMessageBatch; every answer names each order's fate by index:
 * - 202: every order accepted (queued);
 * - 207: some accepted, the others rejected (invalid, duplicate orderId, orderId holding other content
 *   (`order-conflict`), refused by SQS): fix and resend only the rejected ones;
 * - 403, nothing recorded or sent: the key's store is closed, or any order is for another store (`issues`
 *   name them);
 * - 400: nothing accepted: a malformed batch (not JSON, no `orders`, empty, over 100), or every order
 *   rejected (`issues` under `orders.<index>`);
 * - 503 + Retry-After: SQS left some orders unconfirmed after bounded retries. The body still lists
 *   every order: `accepted` ones are queued, `failed` ones carry the orderId to resend them with (an
 *   orderId is an idempotency key: each order is recorded and stored once per `(storeId, orderId)`).
 * Each order follows POST /orders' idempotency rules (./idempotency.ts); an accepted replay is `accepted`.
 * Under an Idempotency-Key, an order without orderId gets one derived from the key and its index.
 */
export const createOrderBatch = (
  event: ApiEvent,
  deps: CreateOrderBatchDeps,
  invocation: Invocation,
): Promise<HttpResponse> =>
  inRequestScope(event, deps, 'POST /orders/batch', async ({ correlationId, headers, span }) => {
    const caller = callerStore(event);
    assertStoreOpen(caller);
    const idempotencyKey = readIdempotencyKey(event);
    const orders = readBatch(readJsonBody(event, MAX_BATCH_BODY_BYTES));
    assertOrdersFor(caller, orders, (index) => `orders.${index}.storeId`);
    span.annotate('orderCount', orders.length);
    const candidates = prepareCandidates(orders, {
      now: deps.clock(),
      uuid: deps.uuid,
      correlationId,
      traceHeader: span.header(),
      idempotencyKey:
        idempotencyKey === undefined ? undefined : { storeId: caller.storeId, key: idempotencyKey },
    });
    const { results, outcomes } = await sendValid(candidates, deps, invocation, {
      correlationId,
      traceId: span.traceId,
    });
    const counts = {
      accepted: count(results, 'accepted'),
      rejected: count(results, 'rejected'),
      failed: count(results, 'failed'),
    };
    const report: BatchReport = { correlationId, traceId: span.traceId, ...counts, results };
    for (const [key, value] of Object.entries(counts)) span.annotate(key, value);
    const summary = { correlationId, traceId: span.traceId, ...counts };
    const refusals = distinctReasons(outcomes, 'rejected');
    if (refusals.length > 0) deps.logger.warn('the orders queue refused orders', { ...summary, refusals });

    if (counts.failed > 0) {
      span.fail(new Error(`the orders queue left ${counts.failed} orders unconfirmed`));
      deps.logger.error('the orders queue left orders unconfirmed', {
        ...summary,
        reasons: distinctReasons(outcomes, 'failed'),
      });
      return unavailableResponse(
        ERROR_CODE.queueUnavailable,
        `${counts.failed} of ${orders.length} orders were not confirmed; resend the failed ones later: ${RETRY_SAFELY}`,
        report,
        headers,
      );
    }
    if (counts.accepted === 0) {
      deps.logger.info('order batch refused', summary);
      const issues = issuesOf(results);
      throw new RequestError(400, ERROR_CODE.invalidOrders, 'no order of the batch was accepted', issues);
    }
    deps.logger.info('order batch accepted', summary);
    return jsonResponse(counts.rejected > 0 ? 207 : 202, report, headers);
  });
