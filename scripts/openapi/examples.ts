// The document's examples. Requests are real ones (the contract test sends each to the real handlers);
// the answers to refused requests are computed by the same checks the handlers run, so their codes,
// messages and issues are the API's own.
import { SAMPLE_ORDER, SAMPLE_STORE_ID } from '@order-pipeline/local-aws';
import { assertOrdersFor, assertStoreOpen } from '../../services/ingest-api/src/caller';
import { conflictError, readOrderRequest } from '../../services/ingest-api/src/createOrder';
import { RequestError } from '../../services/ingest-api/src/errors';
import { type ApiEvent, errorBody, readJsonBody } from '../../services/ingest-api/src/http';
import { orderIdFromIdempotencyKey } from '../../services/ingest-api/src/idempotencyKey';

/** The store the README's samples use (the local stack's store 7, key `local-dev-key-0123456789abcdef`). */
export const EXAMPLE_STORE_ID = SAMPLE_STORE_ID;
/** The README's Idempotency-Key. */
export const EXAMPLE_IDEMPOTENCY_KEY = 'checkout-7-0001';

/** The README's `curl` body (and `pnpm start`'s sample): no orderId, no createdAt (the API assigns them). */
export const README_ORDER = SAMPLE_ORDER;

/** An order with every field, its orderId chosen by the store. */
export const FULL_ORDER = {
  orderId: 'ord-2026-0001',
  storeId: 7,
  currency: 'EUR',
  customer: {
    name: 'Grace Hopper',
    email: 'grace@example.com',
    phone: '+44 20 7946 0958',
    address: {
      line1: '1 Navy Way',
      line2: 'Flat 2',
      city: 'London',
      postalCode: 'SE10 9NF',
      country: 'GB',
    },
  },
  items: [
    { sku: 'COFFEE-250', quantity: 1, unitPriceCents: 1299 },
    { sku: 'MUG.blue', quantity: 2, unitPriceCents: 850 },
  ],
  createdAt: '2026-11-26T09:30:00.000Z',
};

const SECOND_ORDER = {
  ...README_ORDER,
  orderId: 'ord-2026-0002',
  items: [{ sku: 'SCONE-6', quantity: 1, unitPriceCents: 600 }],
};

export const BATCH_REQUEST = { orders: [FULL_ORDER, SECOND_ORDER] };

/** An order the schema refuses: no items, a lower-case currency, a blank name. */
export const INVALID_ORDER = {
  ...README_ORDER,
  currency: 'eur',
  customer: { ...README_ORDER.customer, name: '\u200b' },
  items: [],
};

/** The orderId the README's request gets: derived from store 7 and its Idempotency-Key. */
export const README_ORDER_ID = orderIdFromIdempotencyKey(EXAMPLE_STORE_ID, EXAMPLE_IDEMPOTENCY_KEY);

const TRACE_ID = '1-6745a1f0-3c6f2b1e9d8a7c6b5a493827';
const CORRELATION_ID = 'b2f0c6de-5d7e-4c55-9a51-0d6f1a3e2b10';

export const ACCEPTED = {
  orderId: README_ORDER_ID,
  messageId: '5fea7756-0ea4-451a-a703-a558b933e274',
  traceId: TRACE_ID,
  correlationId: CORRELATION_ID,
};

const STORE_7 = { storeId: EXAMPLE_STORE_ID, status: 'open' } as const;

/** The answer of a check that refuses: what the handler answers (`{ error }`) and its status. */
const refusal = (check: () => unknown): { status: number; body: { error: ReturnType<typeof errorBody> } } => {
  try {
    check();
  } catch (error) {
    if (error instanceof RequestError) {
      return { status: error.status, body: { error: errorBody(error.code, error.message, error.issues) } };
    }
    throw error;
  }
  throw new Error('the example request was not refused');
};

/** A request with this JSON body; readJsonBody reads nothing else of the event. */
const jsonEvent = (body: string | Buffer): ApiEvent => ({
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : body.toString('base64'),
  isBase64Encoded: typeof body !== 'string',
  pathParameters: null,
  requestContext: {} as ApiEvent['requestContext'],
});

export const REFUSALS = {
  invalidOrder: refusal(() => readOrderRequest(INVALID_ORDER)),
  duplicateKey: refusal(() => readJsonBody(jsonEvent('{"storeId":7,"storeId":8}'), 1024)),
  invalidEncoding: refusal(() => readJsonBody(jsonEvent(Buffer.from([0x7b, 0xff, 0x7d])), 1024)),
  storeMismatch: refusal(() => assertOrdersFor(STORE_7, [{ ...README_ORDER, storeId: 8 }], () => 'storeId')),
  storeClosed: refusal(() => assertStoreOpen({ storeId: 9, status: 'closed' })),
  orderConflict: refusal(() => {
    throw conflictError(FULL_ORDER.orderId);
  }),
};

export const BATCH_ACCEPTED = {
  correlationId: CORRELATION_ID,
  traceId: TRACE_ID,
  accepted: 2,
  rejected: 0,
  failed: 0,
  results: [
    {
      index: 0,
      status: 'accepted',
      orderId: FULL_ORDER.orderId,
      messageId: 'f3a9b1c2-6d4e-4f5a-8b7c-9d0e1f2a3b4c',
    },
    {
      index: 1,
      status: 'accepted',
      orderId: SECOND_ORDER.orderId,
      messageId: '0b1c2d3e-4f5a-4b6c-8d7e-8f9a0b1c2d3e',
    },
  ],
};

export const BATCH_PARTIAL = {
  ...BATCH_ACCEPTED,
  accepted: 1,
  rejected: 1,
  results: [
    BATCH_ACCEPTED.results[0],
    { index: 1, status: 'rejected', error: REFUSALS.invalidOrder.body.error },
  ],
};

// The GET examples are orders of their own, so that the contract test can store each and read it back.
const PROCESSED_ORDER = { ...FULL_ORDER, orderId: 'ord-2026-0010' };

export const PROCESSED_VIEW = {
  orderId: PROCESSED_ORDER.orderId,
  storeId: EXAMPLE_STORE_ID,
  status: 'PROCESSED',
  order: PROCESSED_ORDER,
  messageId: BATCH_ACCEPTED.results[0]?.messageId,
  traceId: TRACE_ID,
  correlationId: CORRELATION_ID,
  acceptedAt: '2026-11-26T09:30:00.120Z',
  processedAt: '2026-11-26T09:30:00.190Z',
  updatedAt: '2026-11-26T09:30:00.190Z',
};

export const ACCEPTED_VIEW = {
  orderId: 'ord-2026-0011',
  storeId: EXAMPLE_STORE_ID,
  status: 'ACCEPTED',
  messageId: ACCEPTED.messageId,
  traceId: TRACE_ID,
  correlationId: CORRELATION_ID,
  acceptedAt: '2026-11-26T09:31:00.000Z',
  updatedAt: '2026-11-26T09:31:00.020Z',
};

export const DEAD_LETTERED_VIEW = {
  orderId: 'ord-2026-0012',
  storeId: EXAMPLE_STORE_ID,
  status: 'DEAD_LETTERED',
  traceId: TRACE_ID,
  updatedAt: '2026-11-26T10:02:11.000Z',
  deadLetter: {
    class: 'retries-exhausted',
    reason: 'the orders table did not answer within the retry budget',
  },
};

export const NOT_FOUND = {
  error: errorBody('order-not-found', `there is no order ${FULL_ORDER.orderId}`),
};
