import { ERROR_CODE, RequestError } from './errors';
import type { ApiEvent } from './http';

/**
 * The store a GET reads for: today the `storeId` query parameter. Orders are keyed by
 * `(storeId, orderId)`, so the read needs it; the caller's store (from its API key) replaces this.
 */
export const readStoreId = (event: Pick<ApiEvent, 'queryStringParameters'>): number => {
  const given = event.queryStringParameters?.storeId;
  const storeId = Number(given);
  if (given === undefined || !/^[1-9][0-9]{0,8}$/.test(given) || !Number.isSafeInteger(storeId)) {
    throw new RequestError(
      400,
      ERROR_CODE.invalidStoreId,
      'the storeId query parameter must be a store id (1-999999999)',
    );
  }
  return storeId;
};
