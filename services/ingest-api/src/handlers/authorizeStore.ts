import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeStore } from '../authorizeStore';
import { logger } from '../sideEffects/runtime';
import { findStore } from '../sideEffects/stores';

/** The store authorizer of every route (the logic is in ../authorizeStore.ts). */
export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
  .before((request) => {
    logger.addContext(request.context);
  })
  .handler((event) => authorizeStore(event, { findStore, log: logger }));
