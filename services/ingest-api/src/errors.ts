// The subpath, not the package's index: the store authorizer imports this module and stays small.
import { type FieldIssue, OrderPipelineError } from '@order-pipeline/common/errors';

/** The `code` of every JSON error this API answers, and of per-order rejections in a batch. */
export const ERROR_CODE = {
  invalidJson: 'invalid-json',
  invalidEncoding: 'invalid-encoding',
  duplicateKey: 'duplicate-key',
  unsupportedMediaType: 'unsupported-media-type',
  payloadTooLarge: 'payload-too-large',
  invalidCorrelationId: 'invalid-correlation-id',
  invalidOrder: 'invalid-order',
  invalidOrderId: 'invalid-order-id',
  invalidIdempotencyKey: 'invalid-idempotency-key',
  orderConflict: 'order-conflict',
  invalidBatch: 'invalid-batch',
  emptyBatch: 'empty-batch',
  batchTooLarge: 'batch-too-large',
  invalidOrders: 'invalid-orders',
  duplicateOrderId: 'duplicate-order-id',
  queueRejected: 'queue-rejected',
  queueUnavailable: 'queue-unavailable',
  tableUnavailable: 'table-unavailable',
  orderNotFound: 'order-not-found',
  storeClosed: 'store-closed',
  storeMismatch: 'store-mismatch',
  identityOverride: 'identity-override',
  internal: 'internal-error',
} as const;
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

/** A request this API refuses (4xx); nothing has been enqueued when it is thrown. */
export class RequestError extends OrderPipelineError {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 415,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message);
  }
}

/** A request reached a function without the store authorizer's answer: the API is misconfigured (a 500). */
export class CallerIdentityError extends OrderPipelineError {}

/** An error's name, message and stack as plain fields (log lines are JSON). */
export const errorDetails = (error: unknown): Record<string, unknown> =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { message: String(error) };
