import type { StoreRecord } from '@order-pipeline/common/stores';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { AUTHORIZER_CONTEXT } from './authorizerContext';
import { errorDetails } from './errors';
import { headerValue } from './headers';
import type { RouteLogger } from './requestScope';

export const API_KEY_HEADER = 'x-api-key';

export interface AuthorizeStoreDeps {
  /** The store whose key has this value (the registry, cached per execution environment). */
  findStore(apiKey: string): Promise<StoreRecord | undefined>;
  logger: Pick<RouteLogger, 'addContext' | 'info' | 'error'>;
}

// API Gateway key values are 20-128 characters; anything else is no key of ours, and is not looked up.
const KEY_PATTERN = /^[\x21-\x7e]{20,128}$/;

const policy = (principalId: string, effect: 'Allow' | 'Deny', resource: string) => ({
  principalId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
});

/**
 * The REST API's REQUEST authorizer: the calling API key identifies the store.
 * - a key the registry knows: Allow, with the store in the context (`storeId`, `storeStatus`: a
 *   closed store is still identified; its POSTs are refused with 403 store-closed, its GETs answered)
 *   and the key as `usageIdentifierKey`, so that API Gateway (apiKeySource AUTHORIZER) checks it is an
 *   enabled key of a usage plan and applies that key's throttle and quota;
 * - no key, or one the registry does not know: Deny, which API Gateway answers with 403, as it
 *   answers a missing or unknown key.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 * The registry failing throws: API Gateway answers 500 (AUTHORIZER_CONFIGURATION_ERROR; locally too).
 */
export const authorizeStore = async (
  event: Pick<APIGatewayRequestAuthorizerEvent, 'headers' | 'methodArn'>,
  deps: AuthorizeStoreDeps,
): Promise<APIGatewayAuthorizerResult> => {
  const apiKey = headerValue(event.headers, API_KEY_HEADER);
  const deny = (reason: string) => {
    deps.logger.info('request denied', { reason, methodArn: event.methodArn });
    return policy('anonymous', 'Deny', event.methodArn);
  };
  if (apiKey === undefined) return deny('no x-api-key header');
  if (!KEY_PATTERN.test(apiKey)) return deny('not an API key');
  let store: StoreRecord | undefined;
  try {
    store = await deps.findStore(apiKey);
  } catch (error) {
    deps.logger.error('the stores registry could not be read', { error: errorDetails(error) });
    throw error;
  }
  if (store === undefined) return deny('unknown API key');
  return {
    ...policy(`store-${store.storeId}`, 'Allow', event.methodArn),
    usageIdentifierKey: apiKey,
    context: {
      [AUTHORIZER_CONTEXT.storeId]: String(store.storeId),
      [AUTHORIZER_CONTEXT.status]: store.status,
    },
  };
};
