import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { type AuthorizeStoreDeps, authorizeStore } from './authorizeStore';

/** The store authorizer of every route: the middy handler around ./authorizeStore.ts. */
export const authorizeStoreHandler = (deps: AuthorizeStoreDeps) =>
  middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
    .before((request) => {
      deps.logger.addContext?.(request.context);
    })
    .handler((event) => authorizeStore(event, deps));
