// The ingest API's routes as the OpenAPI document describes them, once: parameters, bodies, every status
// with the codes it can carry and when. Kebab-case codes are the functions' (ERROR_CODE), UPPER_SNAKE_CASE
// ones API Gateway's gateway responses (serverless.yml). scripts/test/openapiContract.test.ts holds the
// functions' codes to what the handlers answer.
import { API_KEY_HEADER } from '../../services/ingest-api/src/authorizeStore';
import { OFFLINE_AUTHORIZER_OVERRIDE } from '../../services/ingest-api/src/caller';
import { REPLAYED_HEADER, RETRY_SAFELY } from '../../services/ingest-api/src/createOrder';
import { ERROR_CODE } from '../../services/ingest-api/src/errors';
import { CORRELATION_HEADER } from '../../services/ingest-api/src/http';
import {
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ORDERS,
  MAX_ORDER_BYTES,
} from '../../services/ingest-api/src/limits';
import * as ex from './examples';
import { schemaRef } from './schemas';

const E = ERROR_CODE;

/** One code a response can carry, and when. Kebab-case codes are the functions'; UPPER_SNAKE_CASE ones API Gateway's. */
export type Code = readonly [code: string, when: string];

export interface ErrorResponse {
  description: string;
  codes: readonly Code[];
  /** The body's schema, when it is more than Error. */
  schema?: string;
  retryAfter?: boolean;
  examples?: Record<string, { status: number; body: unknown }>;
}

export interface Route {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  description: string;
  parameters: readonly object[];
  requestBody?: object;
  responses: Record<string, object>;
  errors: Record<number, ErrorResponse>;
}

// --- what every route shares -----------------------------------------------------------------------

const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
export const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

const GATEWAY_403: readonly Code[] = [
  [
    'ACCESS_DENIED',
    `no ${API_KEY_HEADER} header, or a key the stores registry does not hold (the store authorizer denies it)`,
  ],
  ['INVALID_API_KEY', "the key is not an enabled key of the stores' usage plan"],
];
const GATEWAY_429: readonly Code[] = [
  ['THROTTLED', "the key's usage plan throttle (requests per second, burst) was exceeded"],
  ['QUOTA_EXCEEDED', "the key's usage plan quota for the period was spent"],
];
const GATEWAY_500: readonly Code[] = [
  [
    'AUTHORIZER_CONFIGURATION_ERROR',
    'the store authorizer failed, e.g. it could not read the stores registry (`x-amzn-ErrorType: AuthorizerConfigurationException`; the message is null)',
  ],
];
const GATEWAY_504: readonly Code[] = [
  [
    'INTEGRATION_TIMEOUT',
    "the function did not answer within API Gateway's 29 s (a POST may have queued the order)",
  ],
];
const IDENTITY_OVERRIDE: Code = [
  E.identityOverride,
  `the request carries a ${OFFLINE_AUTHORIZER_OVERRIDE} header: the API key alone names the store`,
];
const BAD_CORRELATION_ID: Code = [
  E.invalidCorrelationId,
  `${CORRELATION_HEADER} is malformed, or carries personal data (e-mail, phone, card or national id number)`,
];
const BAD_IDEMPOTENCY_KEY: Code = [
  E.invalidIdempotencyKey,
  'Idempotency-Key is not 1-255 printable ASCII characters',
];
const BODY_400: readonly Code[] = [
  [E.invalidEncoding, 'the body is not valid UTF-8'],
  [E.invalidJson, 'the body is not JSON, or nests too deeply to be an order'],
  [E.duplicateKey, 'a key occurs twice in one object (`issues` names its path)'],
];
const POST_403: readonly Code[] = [
  [E.storeClosed, "the key's store is closed: it sends no orders (its GETs are still answered)"],
  [
    E.storeMismatch,
    "an order's storeId is another store's (`issues` names each); nothing is recorded or sent",
  ],
  IDENTITY_OVERRIDE,
  ...GATEWAY_403,
];
const MEDIA_415: ErrorResponse = {
  description: 'The body is not `application/json` (a charset, if given, must be utf-8).',
  codes: [[E.unsupportedMediaType, 'content-type is not application/json']],
};
/** A body over `maxBytes`: refused by the function, or by API Gateway over its own payload limit. */
const payloadTooLarge = (maxBytes: number, description: string): ErrorResponse => ({
  description,
  codes: [
    [E.payloadTooLarge, `the body is over ${maxBytes} bytes`],
    ['REQUEST_TOO_LARGE', "over API Gateway's payload limit"],
  ],
});
const INTERNAL_500: ErrorResponse = {
  description: 'Something unexpected failed; the cause is logged, never answered.',
  codes: [
    [E.internal, 'an unexpected error (e.g. the request reached the function without the authorizer)'],
    ...GATEWAY_500,
  ],
};
const sharedErrors = (post: boolean): Record<number, ErrorResponse> => ({
  429: {
    description: "API Gateway throttled the key (each store's key has its own limits).",
    codes: GATEWAY_429,
  },
  500: INTERNAL_500,
  504: {
    description: post
      ? `API Gateway gave up waiting. The order may or may not be queued: ${RETRY_SAFELY}.`
      : 'API Gateway gave up waiting: retry.',
    codes: GATEWAY_504,
  },
});

const jsonBody = (schema: object, examples: Record<string, { summary: string; value: unknown }>) => ({
  content: { 'application/json': { schema, examples } },
});

// --- the routes ------------------------------------------------------------------------------------

const createOrder: Route = {
  method: 'post',
  path: '/orders',
  operationId: 'createOrder',
  summary: 'Send one order',
  description: [
    "Validates one order strictly against the shared Order schema, records its idempotency record under `(storeId, orderId)` and sends it to the orders queue. `storeId` must be the calling key's store.",
    `The orderId comes from the body; else it is derived from the calling store and the Idempotency-Key; else it is generated. \`createdAt\` is assigned when absent. At most ${MAX_ORDER_BYTES} bytes.`,
    `The same order again (same content under the same orderId) is a safe replay: 202 with the same orderId and messageId and \`${REPLAYED_HEADER}: true\`, nothing sent twice. Other content under a used orderId is 409 \`${E.orderConflict}\`.`,
    'A 4xx enqueues nothing.',
  ].join('\n\n'),
  parameters: [param('IdempotencyKey'), param('CorrelationId'), param('TraceHeader')],
  requestBody: {
    required: true,
    description:
      'One order. Refused before the schema: a body that is not valid UTF-8, or that has a key twice in one object.',
    ...jsonBody(schemaRef('OrderRequest'), {
      readme: {
        summary: `The README's order (send it with Idempotency-Key: ${ex.EXAMPLE_IDEMPOTENCY_KEY})`,
        value: ex.README_ORDER,
      },
      complete: { summary: 'Every field, the orderId chosen by the store', value: ex.FULL_ORDER },
    }),
  },
  responses: {
    202: {
      description: `Accepted: the order is on the orders queue. A replay (accepted before, nothing sent again) carries \`${REPLAYED_HEADER}: true\`.`,
      headers: {
        [CORRELATION_HEADER]: header('CorrelationId'),
        [REPLAYED_HEADER]: header('IdempotentReplayed'),
      },
      ...jsonBody(schemaRef('OrderAccepted'), {
        readme: {
          summary: "The README's order, its orderId derived from the Idempotency-Key",
          value: ex.ACCEPTED,
        },
      }),
    },
  },
  errors: {
    400: {
      description: 'The request is malformed; nothing was recorded or sent.',
      codes: [
        BAD_CORRELATION_ID,
        BAD_IDEMPOTENCY_KEY,
        ...BODY_400,
        [E.invalidOrder, 'the order breaks the schema (`issues` names every field)'],
      ],
      examples: {
        invalidOrder: ex.REFUSALS.invalidOrder,
        duplicateKey: ex.REFUSALS.duplicateKey,
        invalidEncoding: ex.REFUSALS.invalidEncoding,
      },
    },
    403: {
      description: 'The key may not send this order.',
      codes: POST_403,
      examples: { storeMismatch: ex.REFUSALS.storeMismatch, storeClosed: ex.REFUSALS.storeClosed },
    },
    409: {
      description: 'The orderId is used by an order with other content; use a new orderId for a new order.',
      codes: [[E.orderConflict, 'another order of this store holds the orderId']],
      examples: { orderConflict: ex.REFUSALS.orderConflict },
    },
    413: payloadTooLarge(
      MAX_ORDER_BYTES,
      `The body is over ${MAX_ORDER_BYTES} bytes (API Gateway refuses over 10 MB itself).`,
    ),
    415: MEDIA_415,
    503: {
      description: `The orders table or queue failed; the body carries the orderId: ${RETRY_SAFELY}.`,
      codes: [
        [E.tableUnavailable, 'the idempotency record could not be written: the order was not queued'],
        [E.queueUnavailable, 'SQS did not confirm the order: it may or may not be queued'],
      ],
      schema: 'OrderUnavailable',
      retryAfter: true,
    },
    ...sharedErrors(true),
  },
};

const createOrderBatch: Route = {
  method: 'post',
  path: '/orders/batch',
  operationId: 'createOrderBatch',
  summary: 'Send up to 100 orders',
  description: [
    `\`{ "orders": [...] }\`, 1-${MAX_BATCH_ORDERS} orders (at most ${MAX_BATCH_BODY_BYTES} bytes), each validated and sent as by POST /orders, 10 per SendMessageBatch, failed entries retried. Every answer that got as far as sending lists each order by \`index\`: \`accepted\`, \`rejected\` or \`failed\`.`,
    'Under an Idempotency-Key, an order without orderId gets one derived from the key and its index, so a retried batch maps each position to the same order.',
  ].join('\n\n'),
  parameters: [param('IdempotencyKey'), param('CorrelationId'), param('TraceHeader')],
  requestBody: {
    required: true,
    ...jsonBody(schemaRef('OrderBatchRequest'), {
      twoOrders: { summary: 'Two orders, their orderIds chosen by the store', value: ex.BATCH_REQUEST },
    }),
  },
  responses: {
    202: {
      description: 'Every order accepted (queued).',
      headers: { [CORRELATION_HEADER]: header('CorrelationId') },
      ...jsonBody(schemaRef('BatchReport'), {
        allAccepted: { summary: 'Both queued', value: ex.BATCH_ACCEPTED },
      }),
    },
    207: {
      description: 'Some orders accepted, the others rejected: fix and resend only the rejected ones.',
      headers: { [CORRELATION_HEADER]: header('CorrelationId') },
      ...jsonBody(schemaRef('BatchReport'), {
        oneRejected: { summary: 'The second order broke the schema', value: ex.BATCH_PARTIAL },
      }),
    },
  },
  errors: {
    400: {
      description:
        'Nothing accepted: a malformed batch, or every order rejected (`issues` under `orders.<index>`).',
      codes: [
        BAD_CORRELATION_ID,
        BAD_IDEMPOTENCY_KEY,
        ...BODY_400,
        [E.invalidBatch, 'the body is not `{ "orders": [...] }`'],
        [E.emptyBatch, 'the batch holds no orders'],
        [E.batchTooLarge, `the batch holds more than ${MAX_BATCH_ORDERS} orders`],
        [E.invalidOrders, 'no order of the batch was accepted'],
      ],
    },
    403: { description: 'The key may not send these orders; the batch is refused whole.', codes: POST_403 },
    413: payloadTooLarge(MAX_BATCH_BODY_BYTES, `The body is over ${MAX_BATCH_BODY_BYTES} bytes.`),
    415: MEDIA_415,
    503: {
      description: `SQS (or the orders table) left some orders unconfirmed after bounded retries; the body still lists every order. Resend the failed ones: ${RETRY_SAFELY}.`,
      codes: [[E.queueUnavailable, 'some orders are `failed`']],
      schema: 'BatchUnavailable',
      retryAfter: true,
    },
    ...sharedErrors(true),
  },
};

const getOrder: Route = {
  method: 'get',
  path: '/orders/{orderId}',
  operationId: 'getOrder',
  summary: "Read one of the calling store's orders",
  description:
    "The calling store's order and its status: ACCEPTED (recorded by ingest, not processed yet), PROCESSED (with the order as stored) or DEAD_LETTERED (with why). Another store's order is answered exactly as a missing one (404): a key learns nothing of other stores. A closed store's GETs are answered.",
  parameters: [param('OrderId'), param('CorrelationId'), param('TraceHeader')],
  responses: {
    200: {
      description: "The order's state.",
      headers: { [CORRELATION_HEADER]: header('CorrelationId') },
      ...jsonBody(schemaRef('OrderView'), {
        processed: { summary: 'Processed', value: ex.PROCESSED_VIEW },
        accepted: { summary: 'Queued, not processed yet', value: ex.ACCEPTED_VIEW },
        deadLettered: { summary: 'Dead-lettered', value: ex.DEAD_LETTERED_VIEW },
      }),
    },
  },
  errors: {
    400: {
      description: 'The request is malformed.',
      codes: [BAD_CORRELATION_ID, [E.invalidOrderId, 'the orderId is not one an order can have']],
    },
    403: { description: 'The key is refused.', codes: [IDENTITY_OVERRIDE, ...GATEWAY_403] },
    404: {
      description: "The calling store has no such order (never sent, or another store's).",
      codes: [[E.orderNotFound, 'no order of the calling store has this orderId']],
      examples: { orderNotFound: { status: 404, body: ex.NOT_FOUND } },
    },
    503: {
      description: 'The orders table could not be read: retry later.',
      codes: [[E.tableUnavailable, 'the orders table did not answer']],
      schema: 'ReadUnavailable',
      retryAfter: true,
    },
    ...sharedErrors(false),
  },
};

export const ROUTES: readonly Route[] = [createOrder, createOrderBatch, getOrder];
