// The ingest API's OpenAPI 3.1 document: routes, headers and status codes are described here once;
// every body schema comes from zod (./schemas.ts), every limit and code from the service's own modules.
// `pnpm openapi` writes it to docs/openapi.json.
import { CORRELATION_ID_PATTERN, ORDER_ID_PATTERN } from '@order-pipeline/common';
import { API_KEY_HEADER } from '../../services/ingest-api/src/authorizeStore';
import { OFFLINE_AUTHORIZER_OVERRIDE } from '../../services/ingest-api/src/caller';
import { REPLAYED_HEADER, RETRY_SAFELY } from '../../services/ingest-api/src/createOrder';
import { ERROR_CODE } from '../../services/ingest-api/src/errors';
import { CORRELATION_HEADER, TRACE_HEADER_NAME } from '../../services/ingest-api/src/http';
import { IDEMPOTENCY_KEY_PATTERN } from '../../services/ingest-api/src/idempotencyKey';
import {
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ORDERS,
  MAX_ORDER_BYTES,
  RETRY_AFTER_SECONDS,
} from '../../services/ingest-api/src/limits';
import * as ex from './examples';
import { LOCAL_API_URL } from './requests';
import { componentSchemas, schemaRef } from './schemas';

/** Where `pnpm openapi` writes the document, from the repository root. */
export const DOCUMENT_PATH = 'docs/openapi.json';

const E = ERROR_CODE;

/** One code a response can carry, and when. Kebab-case codes are the functions'; UPPER_SNAKE_CASE ones API Gateway's. */
type Code = readonly [code: string, when: string];

interface ErrorResponse {
  description: string;
  codes: readonly Code[];
  /** The body's schema, when it is more than Error. */
  schema?: string;
  retryAfter?: boolean;
  examples?: Record<string, { status: number; body: unknown }>;
}

interface Route {
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
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });

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
  ['AUTHORIZER_FAILURE', 'the store authorizer could not read the stores registry'],
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
  [E.invalidJson, 'the body is not JSON'],
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
    413: {
      description: `The body is over ${MAX_ORDER_BYTES} bytes (API Gateway refuses over 10 MB itself).`,
      codes: [
        [E.payloadTooLarge, `the body is over ${MAX_ORDER_BYTES} bytes`],
        ['REQUEST_TOO_LARGE', "over API Gateway's payload limit"],
      ],
    },
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
    413: {
      description: `The body is over ${MAX_BATCH_BODY_BYTES} bytes.`,
      codes: [
        [E.payloadTooLarge, `the body is over ${MAX_BATCH_BODY_BYTES} bytes`],
        ['REQUEST_TOO_LARGE', "over API Gateway's payload limit"],
      ],
    },
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

// --- assembly --------------------------------------------------------------------------------------

/** The functions' answers carry the correlation id, except the 500 of an unexpected failure (which says nothing). */
const errorResponse = (status: number, response: ErrorResponse) => {
  const codes = response.codes.map(([code]) => code);
  const list = response.codes.map(([code, when]) => `- \`${code}\`: ${when}`).join('\n');
  const schema = {
    ...schemaRef(response.schema ?? 'Error'),
    properties: { error: { properties: { code: { enum: codes } } } },
  };
  const examples = Object.fromEntries(
    Object.entries(response.examples ?? {}).map(([name, { body }]) => [name, { value: body }]),
  );
  return {
    description: `${response.description}\n\n${list}`,
    headers: {
      ...(status !== 500 && codes.some((code) => /^[a-z]/.test(code))
        ? { [CORRELATION_HEADER]: header('CorrelationId') }
        : {}),
      ...(response.retryAfter ? { 'Retry-After': header('RetryAfter') } : {}),
    },
    content: { 'application/json': { schema, ...(response.examples ? { examples } : {}) } },
  };
};

const operation = (route: Route) => ({
  operationId: route.operationId,
  summary: route.summary,
  description: route.description,
  parameters: route.parameters,
  ...(route.requestBody ? { requestBody: route.requestBody } : {}),
  responses: {
    ...route.responses,
    ...Object.fromEntries(
      Object.entries(route.errors).map(([status, error]) => [status, errorResponse(Number(status), error)]),
    ),
  },
});

const pattern = (regex: RegExp) => regex.source;

const STORE_RULES = [
  `Every route takes a store's API key in \`${API_KEY_HEADER}\`. A REQUEST authorizer finds the calling store by its key in the stores registry; the key alone names the store:`,
  '- a POST whose order names another store: 403 `store-mismatch` (a batch is refused whole);',
  "- a closed store's POST: 403 `store-closed`; its GETs are still answered;",
  "- a GET of another store's order: 404 `order-not-found`, exactly as for a missing order;",
  "- no key, or one the registry does not hold: 403 from API Gateway (`ACCESS_DENIED`; see the README's known limits for the local stack's answer).",
  "Each store's key has its own throttle and quota (usage plan): 429.",
].join('\n');

/** The whole document, as a plain object. */
export const buildDocument = () => ({
  openapi: '3.1.0',
  info: {
    title: 'order-pipeline ingest API',
    version: '1.0.0',
    summary: 'Stores send orders; each order is validated, recorded and queued for processing.',
    description: [
      "Generated by `pnpm openapi` from the shared Order schema (packages/common/src/order.ts) and the service's own codes and limits (services/ingest-api/src): edit those, not this file.",
      STORE_RULES,
      `**Errors** are \`{ "error": { "code", "message", "issues"?: [{ "path", "message" }] } }\`: the functions' codes are kebab-case, API Gateway's own refusals (gateway responses) carry their response type in UPPER_SNAKE_CASE. A 4xx enqueues nothing; a 503 carries \`Retry-After\`.`,
      `**Retrying safely.** A timeout, a 504 or a 503 may hide an order that was queued: ${RETRY_SAFELY}.`,
      "**Strict input.** Some of the schema's rules JSON Schema cannot state; each field lists them under `x-refinements` (text is trimmed before its length limits apply, must be well-formed Unicode without control characters, required text must have visible characters, a phone at least 4 digits). Unknown keys are ignored.",
    ].join('\n\n'),
  },
  servers: [
    {
      url: LOCAL_API_URL,
      description:
        'The local stack (`pnpm start`; another base port moves it: .local/stack.json `apiBaseUrl`). Its stores and keys are in .local/stack.json (`stores`); docs/requests.http has the calls.',
    },
    {
      url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}',
      description: 'A deployed stage (`sls deploy`)',
      variables: {
        restApiId: { default: 'abcdef1234', description: "ingest-api's REST API id" },
        region: { default: 'eu-west-1' },
        stage: { default: 'dev' },
      },
    },
  ],
  security: [{ storeApiKey: [] }],
  tags: [{ name: 'orders', description: "A store's orders" }],
  paths: Object.fromEntries(
    ['/orders', '/orders/batch', '/orders/{orderId}'].map((path) => [
      path,
      Object.fromEntries(
        ROUTES.filter((route) => route.path === path).map((route) => [
          route.method,
          { tags: ['orders'], ...operation(route) },
        ]),
      ),
    ]),
  ),
  components: {
    securitySchemes: {
      storeApiKey: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: STORE_RULES },
    },
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        description:
          'Names this request across retries: an order sent without orderId gets one derived from the calling store and this key (in a batch, with its index), so a retry maps to the same order.',
        schema: { type: 'string', pattern: pattern(IDEMPOTENCY_KEY_PATTERN) },
        example: ex.EXAMPLE_IDEMPOTENCY_KEY,
      },
      CorrelationId: {
        name: CORRELATION_HEADER,
        in: 'header',
        description:
          'Carried to the consumer and every log line; generated when absent. Refused (400) when it carries personal data.',
        schema: { type: 'string', pattern: pattern(CORRELATION_ID_PATTERN) },
        example: 'checkout-7-0001.attempt-1',
      },
      TraceHeader: {
        name: TRACE_HEADER_NAME,
        in: 'header',
        description: 'An X-Ray trace header to continue (API Gateway sets it when the stage is traced).',
        schema: { type: 'string' },
        example: 'Root=1-6745a1f0-3c6f2b1e9d8a7c6b5a493827;Parent=53995c3f42cd8ad8;Sampled=1',
      },
      OrderId: {
        name: 'orderId',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: pattern(ORDER_ID_PATTERN) },
        example: ex.PROCESSED_VIEW.orderId,
      },
    },
    headers: {
      CorrelationId: {
        description: "The request's correlation id (given or generated).",
        schema: { type: 'string' },
      },
      IdempotentReplayed: {
        description: 'Present on a replay: the order was accepted before, nothing was sent again.',
        schema: { type: 'string', const: 'true' },
      },
      RetryAfter: {
        description: 'Seconds to wait before retrying.',
        required: true,
        schema: { type: 'string', const: String(RETRY_AFTER_SECONDS) },
      },
    },
    schemas: componentSchemas(),
  },
});

/** The document as `pnpm openapi` writes it: 2-space JSON and a final newline. */
export const renderDocument = (): string => `${JSON.stringify(buildDocument(), null, 2)}\n`;
