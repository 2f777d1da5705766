import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createOrder } from '../createOrder';
import { jsonErrors } from '../middleware';
import { orderQueue } from '../sideEffects/queue';
import { logger, runtime } from '../sideEffects/runtime';
import { orders } from '../sideEffects/table';

/** POST /orders (the logic is in ../createOrder.ts). */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(jsonErrors(logger))
  .handler((event) => createOrder(event, { ...runtime, queue: orderQueue, orders }));
