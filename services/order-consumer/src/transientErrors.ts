import { TransientError } from './errors';

// The AWS SDK's own classification of errors worth retrying (@smithy/core, submodules/retry):
// https://github.com/smithy-lang/smithy-typescript/blob/main/packages/service-error-classification/src/constants.ts
// The SDK has already retried such an error (3 attempts by default) when it reaches this code; the
// record is then retried later by SQS, after a back-off, instead of hammering a throttled table.
const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // DynamoDB answers these with HTTP 500/503 anyway; named for SDK errors without $metadata.
  'InternalServerError',
  'ServiceUnavailable',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const isTransientStatus = (status: unknown): boolean =>
  typeof status === 'number' && (status === 429 || (status >= 500 && status <= 599));

/**
 * True for failures that may succeed on a later attempt: throttling, timeouts, 5xx answers from
 * AWS and network errors (classified from the SDK error's `$retryable`, `$metadata.httpStatusCode`,
 * `name`, or a Node `code`, looking through `cause`). Anything else (a 4xx, a bug) is not transient.
 */
export const isTransientError = (error: unknown, depth = 0): boolean => {
  if (error instanceof TransientError) return true;
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const shape = error as SdkErrorShape;
  if (shape.name === 'AbortError') return false;
  return (
    shape.$retryable !== undefined ||
    isTransientStatus(shape.$metadata?.httpStatusCode) ||
    (typeof shape.name === 'string' &&
      (THROTTLING_NAMES.has(shape.name) || TRANSIENT_NAMES.has(shape.name))) ||
    (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) ||
    (shape.cause !== undefined && isTransientError(shape.cause, depth + 1))
  );
};
