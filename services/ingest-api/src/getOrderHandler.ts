import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type GetOrderDeps, getOrder } from './getOrder';
import { jsonErrors } from './middleware';

/** GET /orders/{orderId}: the middy handler around ./getOrder.ts (real dependencies in sideEffects.ts). */
export const getOrderHandler = (deps: GetOrderDeps) =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(jsonErrors(deps.logger))
    .handler((event) => getOrder(event, deps));
