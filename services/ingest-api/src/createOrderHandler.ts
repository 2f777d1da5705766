import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type CreateOrderDeps, createOrder } from './createOrder';
import { jsonErrors } from './middleware';

/** POST /orders: the middy handler around ./createOrder.ts (real dependencies in sideEffects.ts). */
export const createOrderHandler = (deps: CreateOrderDeps) =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(jsonErrors(deps.logger))
    .handler((event) => createOrder(event, deps));
