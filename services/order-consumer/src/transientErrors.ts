import {
  isTransientError as isSdkTransientError,
  isServerError,
  isThrottlingError,
} from '@smithy/service-error-classification';
import { TransientError } from './errors';

// The AWS SDK's own classification of errors worth retrying (@smithy/service-error-classification
// re-exports @smithy/core's `retry` classifier, the one the SDK clients here run):
// https://github.com/smithy-lang/smithy-typescript/tree/main/packages/service-error-classification
// The SDK has already retried such an error (3 attempts by default) when it reaches this code; the
// record is then retried later by SQS, after a back-off, instead of hammering a throttled table.

// DynamoDB answers these with HTTP 500/503 anyway; named for SDK errors without $metadata.
const SERVICE_FAULT_NAMES: readonly unknown[] = ['InternalServerError', 'ServiceUnavailable'];

type SdkError = Parameters<typeof isThrottlingError>[0];

/**
 * True for failures that may succeed on a later attempt: throttling, timeouts, 5xx answers from
 * AWS and network errors (the SDK's classifiers, applied to the error and, through `cause`, to what
 * it wraps), and the chaos suite's simulated transient faults. Anything else (a 4xx, a bug, an
 * aborted call) is not transient.
 */
export const isTransientError = (error: unknown, depth = 0): boolean => {
  if (error instanceof TransientError) return true;
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const sdkError = error as SdkError;
  if (sdkError.name === 'AbortError') return false;
  return (
    isSdkTransientError(sdkError) ||
    isThrottlingError(sdkError) ||
    isServerError(sdkError) ||
    SERVICE_FAULT_NAMES.includes(sdkError.name) ||
    ('cause' in error && error.cause !== undefined && isTransientError(error.cause, depth + 1))
  );
};
