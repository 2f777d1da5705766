// The document's JSON Schemas, converted from zod. Request bodies are the shared Order schema itself
// (packages/common/src/order.ts); response bodies are zod schemas written here against the ingest-api's
// own answer types, and the compiler holds the two equal (the `sameShape` checks below), so neither can
// change without the other. Nothing here is bundled into a Lambda function: the Order schema carries no
// metadata of ours, and its parse behaviour is untouched.
import { DEAD_LETTER_CLASS, ORDER_STATUS, orderRequestSchema, orderSchema } from '@order-pipeline/common';
import * as z from 'zod/mini';
import type { OrderAccepted } from '../../services/ingest-api/src/createOrder';
import type { BatchItemResult, BatchReport } from '../../services/ingest-api/src/createOrderBatch';
import { ERROR_CODE } from '../../services/ingest-api/src/errors';
import type { OrderView } from '../../services/ingest-api/src/getOrder';
import type { ErrorBody } from '../../services/ingest-api/src/http';
import { MAX_BATCH_ORDERS } from '../../services/ingest-api/src/limits';

/** Where a component schema is referenced from. */
export const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

// --- response bodies -----------------------------------------------------------------------------

const fieldIssue = z.strictObject({
  path: z.string(),
  message: z.string(),
});

const errorBody = z.strictObject({
  code: z.enum(Object.values(ERROR_CODE)),
  message: z.string(),
  issues: z.optional(z.array(fieldIssue)),
});

/**
 * What every refusal holds: the functions' `{ error: { code, message, issues? } }`, and API Gateway's
 * own refusals (gateway responses, serverless.yml) in the same shape, their code being the gateway
 * response type (UPPER_SNAKE_CASE, e.g. ACCESS_DENIED) rather than one of the functions' codes.
 */
const apiError = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    issues: z.optional(z.array(fieldIssue)),
  }),
});

const orderAccepted = z.strictObject({
  orderId: z.string(),
  messageId: z.string(),
  traceId: z.string(),
  correlationId: z.string(),
});

const batchItemResult = z.union([
  z.strictObject({
    index: z.number().check(z.int()),
    status: z.literal('accepted'),
    orderId: z.string(),
    messageId: z.string(),
  }),
  z.strictObject({
    index: z.number().check(z.int()),
    status: z.literal('rejected'),
    orderId: z.optional(z.string()),
    error: errorBody,
  }),
  z.strictObject({
    index: z.number().check(z.int()),
    status: z.literal('failed'),
    orderId: z.string(),
    error: errorBody,
  }),
]);

const batchReportFields = {
  correlationId: z.string(),
  traceId: z.string(),
  accepted: z.number().check(z.int()),
  rejected: z.number().check(z.int()),
  failed: z.number().check(z.int()),
  results: z.array(batchItemResult),
};
const batchReport = z.strictObject(batchReportFields);

const orderView = z.strictObject({
  orderId: z.string(),
  storeId: z.number().check(z.int()),
  status: z.enum(Object.values(ORDER_STATUS)),
  order: z.optional(orderSchema),
  messageId: z.optional(z.string()),
  traceId: z.optional(z.string()),
  correlationId: z.optional(z.string()),
  acceptedAt: z.optional(z.string()),
  processedAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  deadLetter: z.optional(z.strictObject({ class: z.optional(z.string()), reason: z.optional(z.string()) })),
});

const unavailableOrder = z.strictObject({
  error: errorBody,
  orderId: z.string(),
  correlationId: z.string(),
  traceId: z.string(),
});
const unavailableRead = z.strictObject({ error: errorBody, orderId: z.string(), correlationId: z.string() });
const unavailableBatch = z.strictObject({ error: errorBody, ...batchReportFields });

// The compiler holds each response schema equal to the type the handler answers with.
type Plain<T> = T extends readonly (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Plain<T[K]> }
    : T;
type Same<A, B> = [Plain<A>] extends [Plain<B>] ? ([Plain<B>] extends [Plain<A>] ? true : false) : false;
const sameShape = <A, B>(proof: Same<A, B>): Same<A, B> => proof;
sameShape<z.output<typeof errorBody>, ErrorBody>(true);
sameShape<z.output<typeof orderAccepted>, OrderAccepted>(true);
sameShape<z.output<typeof batchItemResult>, BatchItemResult>(true);
sameShape<z.output<typeof batchReport>, BatchReport>(true);
sameShape<z.output<typeof orderView>, OrderView>(true);

// --- request bodies ------------------------------------------------------------------------------

/** POST /orders/batch: the handler reads `orders` and validates each with the Order schema. */
const orderBatchRequest = z.object({
  orders: z.array(orderRequestSchema).check(z.minLength(1), z.maxLength(MAX_BATCH_ORDERS)),
});

// --- conversion ----------------------------------------------------------------------------------

type Meta = { id: string; description: string };

const requests = z.registry<Meta>();
requests.add(orderRequestSchema, {
  id: 'OrderRequest',
  description:
    'An order as a store submits it (the shared Order schema, `order.v1`). `orderId` and `createdAt` are assigned by the API when absent. Unknown keys are ignored.',
});
requests.add(orderBatchRequest, {
  id: 'OrderBatchRequest',
  description: `1-${MAX_BATCH_ORDERS} orders, each validated on its own as an OrderRequest.`,
});

const responses = z.registry<Meta>();
responses.add(orderSchema, {
  id: 'Order',
  description: 'An order as stored and processed: every field present, text trimmed.',
});
responses.add(fieldIssue, {
  id: 'FieldIssue',
  description: 'One offending field: its dotted path (`items.0.quantity`, `(root)` for the value itself).',
});
responses.add(errorBody, {
  id: 'ErrorBody',
  description:
    "A function's refusal: its `code` (below), a message, and the offending fields when it has any.",
});
responses.add(apiError, {
  id: 'Error',
  description:
    'Every refusal, by the functions (kebab-case `code`, see ErrorBody) or by API Gateway (its gateway response type as `code`, UPPER_SNAKE_CASE). Per response, the codes it can carry are listed.',
});
responses.add(orderAccepted, {
  id: 'OrderAccepted',
  description:
    "The order is on the orders queue (`messageId`, SQS's). `traceId` is the X-Ray trace that follows it; `correlationId` the `x-correlation-id` given or generated.",
});
responses.add(batchItemResult, {
  id: 'BatchItemResult',
  description:
    'One order of a batch, by its `index` in `orders`: `accepted` (queued), `rejected` (`invalid-order`, `duplicate-order-id`, `order-conflict`, or `queue-rejected` when SQS refused the message: fix it and resend only it) or `failed` (`queue-unavailable`, `table-unavailable`: not confirmed; resend it with the same `orderId`).',
});
responses.add(batchReport, {
  id: 'BatchReport',
  description: 'Every order of the batch in request order, and the counts.',
});
responses.add(orderView, {
  id: 'OrderView',
  description: `The calling store's order and where it is: ${Object.values(ORDER_STATUS).join(', ')}. \`order\` is present once PROCESSED; \`deadLetter.class\` is one of ${Object.values(DEAD_LETTER_CLASS).join(', ')}.`,
});
responses.add(unavailableOrder, {
  id: 'OrderUnavailable',
  description: 'The order could not be recorded or its send was not confirmed: retry with its `orderId`.',
});
responses.add(unavailableRead, {
  id: 'ReadUnavailable',
  description: 'The orders table could not be read: retry later.',
});
responses.add(unavailableBatch, {
  id: 'BatchUnavailable',
  description:
    'SQS (or the orders table) left some orders unconfirmed after bounded retries. `accepted` orders are queued; resend the `failed` ones with their `orderId`.',
});

type JsonSchema = Record<string, unknown>;

/**
 * What JSON Schema cannot say, said in words and as `x-refinements`: zod's custom refinements (their own
 * messages, the ones a 400 answers with) and `trim`, which runs before the length limits.
 */
// The checks are read from zod 4's schema definition (`_zod.def`, the object zod/v4/core documents for
// tools built on zod): a custom refinement keeps its message as `error`, `trim` is an `overwrite` check.
const describeRefinements = (ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void => {
  const checks = ((ctx.zodSchema as { _zod: { def: { checks?: unknown[] } } })._zod.def.checks ?? []).map(
    (check) => (check as { _zod: { def: { check: string; error?: (issue: object) => unknown } } })._zod.def,
  );
  const refinements = checks.flatMap((check) =>
    check.check === 'custom' && check.error ? [String(check.error({}))] : [],
  );
  const trimmed = checks.some((check) => check.check === 'overwrite');
  if (refinements.length === 0 && !trimmed) return;
  const said = [
    ...(trimmed ? ['trimmed of surrounding white space before the length limits apply'] : []),
    ...refinements,
  ];
  ctx.jsonSchema.description = [ctx.jsonSchema.description, `Also checked by the API: ${said.join('; ')}.`]
    .filter(Boolean)
    .join(' ');
  ctx.jsonSchema['x-refinements'] = said;
};

/** zod states `int()`'s safe-integer range; for counts and indexes it says nothing a reader needs. */
const dropSafeIntegerBounds = (schema: JsonSchema): void => {
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
};

const convert = (registry: typeof requests, io: 'input' | 'output'): Record<string, JsonSchema> => {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    metadata: registry,
    uri: (id) => `#/components/schemas/${id}`,
    override: (ctx) => {
      describeRefinements(ctx);
      dropSafeIntegerBounds(ctx.jsonSchema);
    },
  }) as { schemas: Record<string, JsonSchema> };
  // Each component is part of one document: no `$schema` or `$id` of its own (OpenAPI 3.1's default
  // dialect is draft 2020-12).
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
};

/** Every component schema of the document. */
export const componentSchemas = (): Record<string, JsonSchema> => ({
  ...convert(requests, 'input'),
  ...convert(responses, 'output'),
});
