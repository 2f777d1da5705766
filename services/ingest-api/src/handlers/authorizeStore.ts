import middy from '@middy/core';
import { createLogger } from '@order-pipeline/common/logger';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeStore } from '../authorizeStore';
import { findStore } from '../sideEffects/stores';

// Its own logger rather than sideEffects/runtime's: that module loads the tracing SDK and the whole
// common package, and the authorizer runs before every request (see README, Known limits).
const logger = createLogger('ingest-api');

/** The store authorizer of every route (the logic is in ../authorizeStore.ts). */
export const handler = middy<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>()
  .before((request) => {
    logger.addContext(request.context);
  })
  .handler((event) => authorizeStore(event, { findStore, log: logger }));
