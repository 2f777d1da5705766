import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createOrderBatch } from '../createOrderBatch';
import { jsonErrors } from '../middleware';
import { orderQueue } from '../sideEffects/queue';
import { logger, runtime } from '../sideEffects/runtime';
import { orders } from '../sideEffects/table';

/** POST /orders/batch (the logic is in ../createOrderBatch.ts). */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(jsonErrors(logger))
  .handler((event, context) =>
    createOrderBatch(
      event,
      { ...runtime, queue: orderQueue, orders },
      { remainingTimeMs: () => context.getRemainingTimeInMillis() },
    ),
  );
