import { createHash } from 'node:crypto';
import { ERROR_CODE, RequestError } from './errors';
import { headerValue } from './headers';
import type { ApiEvent } from './http';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** 1-255 printable ASCII characters (space to tilde), as the Idempotency-Key header allows. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** The caller's Idempotency-Key, undefined when absent; a malformed one is refused with 400. */
export const readIdempotencyKey = (event: Pick<ApiEvent, 'headers'>): string | undefined => {
  const given = headerValue(event.headers, IDEMPOTENCY_KEY_HEADER);
  if (given === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(given)) {
    throw new RequestError(
      400,
      ERROR_CODE.invalidIdempotencyKey,
      'Idempotency-Key must be 1-255 printable ASCII characters',
    );
  }
  return given;
};

/**
 * The orderId of an order sent without one under an Idempotency-Key: `idk-` and the base64url SHA-256 of
 * the store and the key (47 characters within ORDER_ID_PATTERN), the same on every retry. In a batch the
 * order's index is part of it, so each position of a retried batch maps to the same order.
 */
export const orderIdFromIdempotencyKey = (storeId: number, key: string, index?: number): string =>
  `idk-${createHash('sha256')
    .update(index === undefined ? `${storeId}\n${key}` : `${storeId}\n${key}\n${index}`)
    .digest('base64url')}`;
