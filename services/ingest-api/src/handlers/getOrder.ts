import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { getOrder } from '../getOrder';
import { jsonErrors } from '../middleware';
import { logger, runtime } from '../sideEffects/runtime';
import { orders } from '../sideEffects/table';

/** GET /orders/{orderId} (the logic is in ../getOrder.ts). */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(jsonErrors(logger))
  .handler((event) => getOrder(event, { ...runtime, orders }));
