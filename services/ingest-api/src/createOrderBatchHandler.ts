import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type CreateOrderBatchDeps, createOrderBatch } from './createOrderBatch';
import { jsonErrors } from './middleware';

/** POST /orders/batch: the middy handler around ./createOrderBatch.ts (real dependencies in sideEffects.ts). */
export const createOrderBatchHandler = (deps: CreateOrderBatchDeps) =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(jsonErrors(deps.logger))
    .handler((event, context) =>
      createOrderBatch(event, deps, { remainingTimeMs: () => context.getRemainingTimeInMillis() }),
    );
