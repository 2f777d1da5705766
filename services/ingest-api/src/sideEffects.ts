import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '@order-pipeline/common/logger';
import { type OrdersTable, ordersTable } from '@order-pipeline/common/orders-table';
import { captureAwsClient, inSpan } from '@order-pipeline/common/tracing';
import { readQueueConfig, readTableConfig, SERVICE_NAME } from './config';
import type { CreateOrderDeps } from './createOrder';
import type { CreateOrderBatchDeps } from './createOrderBatch';
import type { GetOrderDeps } from './getOrder';
import type { OrdersQueue } from './ordersQueue';
import type { RouteDependencies } from './requestScope';
import { sqsOrdersQueue } from './sqsOrdersQueue';

// The real side effects of each route, each built once per execution environment by its entry point
// (handlers/*.ts) and reused by every invocation (the store authorizer's are in authorizeStoreSideEffects.ts). On the local stage the embedded SQS and DynamoDB come
// in as AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_DYNAMODB and are passed explicitly, so that every call
// goes there; every client is captured, so each call is a subsegment of the request's span.

const endpointOf = (endpoint: string | undefined) => (endpoint === undefined ? {} : { endpoint });

const routeDependencies = (): RouteDependencies => ({
  tracer: inSpan,
  uuid: randomUUID,
  clock: () => new Date(),
  // Masks personal data in every line.
  logger: createLogger(SERVICE_NAME),
});

const realOrdersTable = (): OrdersTable => {
  const config = readTableConfig();
  return ordersTable(
    DynamoDBDocumentClient.from(captureAwsClient(new DynamoDBClient(endpointOf(config.dynamoEndpoint))), {
      // Optional fields of the records (traceId, ...) may be undefined.
      marshallOptions: { removeUndefinedValues: true },
    }),
    config.tableName,
  );
};

const realOrdersQueue = (): OrdersQueue => {
  const config = readQueueConfig();
  return sqsOrdersQueue(captureAwsClient(new SQSClient(endpointOf(config.sqsEndpoint))), config.queueUrl);
};

const postDependencies = () => ({
  ...routeDependencies(),
  ordersQueue: realOrdersQueue(),
  orders: realOrdersTable(),
});

/** POST /orders. */
export const createOrderSideEffects = (): CreateOrderDeps => postDependencies();

/** POST /orders/batch. */
export const createOrderBatchSideEffects = (): CreateOrderBatchDeps => ({
  ...postDependencies(),
  sleep: async (ms) => {
    await sleep(ms);
  },
});

/** GET /orders/{orderId}. */
export const getOrderSideEffects = (): GetOrderDeps => ({
  ...routeDependencies(),
  orders: realOrdersTable(),
});
