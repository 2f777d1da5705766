import { isStoreId, isStoreStatus, STORE_STATUS, type StoreStatus } from '@order-pipeline/common';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { AUTHORIZER_CONTEXT } from './authorizerContext';
import { CallerIdentityError, ERROR_CODE, RequestError } from './errors';
import { headerValue } from './headers';

/** The store whose API key made the request, as the store authorizer (authorizeStore.ts) found it. */
export interface CallerStore {
  storeId: number;
  status: StoreStatus;
}

/**
 * serverless-offline replaces the authorizer's context with this header's JSON when a request carries
 * it (src/events/http/lambda-events/LambdaProxyIntegrationEvent.js), which would let any local client
 * name its store. API Gateway passes it through as an ordinary header; either way it is refused.
 */
export const OFFLINE_AUTHORIZER_OVERRIDE = 'sls-offline-authorizer-override';

/**
 * The calling store; 403 for a request that tries to set its own identity, CallerIdentityError (a 500)
 * when the authorizer named none.
 */
export const callerStore = (event: Pick<APIGatewayProxyEvent, 'requestContext' | 'headers'>): CallerStore => {
  if (headerValue(event.headers, OFFLINE_AUTHORIZER_OVERRIDE) !== undefined) {
    throw new RequestError(
      403,
      ERROR_CODE.identityOverride,
      `the ${OFFLINE_AUTHORIZER_OVERRIDE} header is refused: the API key alone names the store`,
    );
  }
  const context = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const storeId = Number(context[AUTHORIZER_CONTEXT.storeId]);
  const status = context[AUTHORIZER_CONTEXT.status];
  if (!isStoreId(storeId) || !isStoreStatus(status)) {
    throw new CallerIdentityError('the request carries no store identity: is the store authorizer attached?');
  }
  return { storeId, status };
};

/** A closed store sends no orders: 403 `store-closed`, before anything is read or sent. */
export const assertStoreOpen = (caller: CallerStore): void => {
  if (caller.status !== STORE_STATUS.open) {
    throw new RequestError(
      403,
      ERROR_CODE.storeClosed,
      `store ${caller.storeId} is closed and accepts no orders`,
    );
  }
};

const bodyStoreId = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as { storeId?: unknown }).storeId
    : undefined;

/**
 * A key sends orders for its own store only: any order whose `storeId` names another store refuses the whole request with 403 `store-mismatch` (checked before the schema, so that
 * nothing of another store's order is even validated). A batch is refused whole: a client mixing
 * stores is misconfigured, and a partial answer would hide it.
 */
export const assertOrdersFor = (
  caller: CallerStore,
  orders: readonly unknown[],
  path: (index: number) => string,
) => {
  // A storeId that names no store at all (a string, a negative number) is the schema's to refuse (400).
  const foreign = orders
    .map((order, index) => ({ index, storeId: bodyStoreId(order) }))
    .filter(({ storeId }) => isStoreId(storeId) && storeId !== caller.storeId);
  if (foreign.length > 0) {
    throw new RequestError(
      403,
      ERROR_CODE.storeMismatch,
      `this API key belongs to store ${caller.storeId}; it cannot send orders for another store`,
      foreign.map(({ index }) => ({
        path: path(index),
        message: `must be ${caller.storeId}, the key's store`,
      })),
    );
  }
};
