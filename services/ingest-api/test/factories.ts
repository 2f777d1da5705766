import { randomUUID } from 'node:crypto';
import {
  anOrderRequest,
  FakeOrdersTable,
  fakeTracer,
  fixedClock,
  recordingLogger,
} from '@order-pipeline/common/testing';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import type { OrderMessage } from '../src/orderMessage';
import type { BatchEntry, BatchSendResult, OrdersQueue } from '../src/ordersQueue';
import type { RouteDependencies } from '../src/requestScope';

/** A route's Lambda handler and the store authorizer, as API Gateway invokes them. */
export type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type Authorizer = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

export interface EventOverrides {
  method?: 'GET' | 'POST';
  path?: string;
  resource?: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  isBase64Encoded?: boolean;
  /** The store the authorizer found for the key (store 7, open, by default); null: no authorizer context. */
  store?: { storeId: number; status: 'open' | 'closed' } | null;
}

/** `requestContext.authorizer` as API Gateway fills it from the store authorizer's answer. */
export const authorizerContext = (store: EventOverrides['store']) =>
  store === null
    ? null
    : {
        principalId: `store-${store?.storeId ?? 7}`,
        storeId: String(store?.storeId ?? 7),
        storeStatus: store?.status ?? 'open',
        integrationLatency: 12,
      };

/** A REST API (payload format 1.0) Lambda proxy event, as API Gateway sends it for `http` events. */
export const restApiEvent = (overrides: EventOverrides = {}): APIGatewayProxyEvent => {
  const method = overrides.method ?? 'POST';
  const path = overrides.path ?? '/orders';
  const resource = overrides.resource ?? path;
  const headers = { 'Content-Type': 'application/json', 'X-Api-Key': 'test-key', ...overrides.headers };
  const body =
    overrides.body === undefined
      ? null
      : typeof overrides.body === 'string'
        ? overrides.body
        : JSON.stringify(overrides.body);
  const now = Date.now();
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: overrides.queryStringParameters ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: overrides.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: overrides.isBase64Encoded ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test-api',
      authorizer: authorizerContext(overrides.store),
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/test${path}`,
      stage: 'test',
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'abc123',
      resourcePath: resource,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: 'test-key',
        apiKeyId: 'test-key-id',
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'jest',
        userArn: null,
      },
    },
  };
};

/** POST /orders/batch with `orders`. */
export const batchEvent = (orders: unknown, overrides: EventOverrides = {}): APIGatewayProxyEvent =>
  restApiEvent({ path: '/orders/batch', body: { orders }, ...overrides });

/** GET /orders/{orderId}. */
export const getEvent = (orderId: string, overrides: EventOverrides = {}): APIGatewayProxyEvent =>
  restApiEvent({
    method: 'GET',
    path: `/orders/${orderId}`,
    resource: '/orders/{orderId}',
    pathParameters: { orderId },
    headers: {},
    ...overrides,
  });

/** Runtime dependencies with a recording tracer and log, a fixed clock and counting UUIDs. */
export const fakeRuntime = () => {
  const { tracer, spans } = fakeTracer();
  const { logger, lines } = recordingLogger();
  let next = 0;
  const runtime: RouteDependencies = {
    tracer,
    uuid: () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`,
    clock: fixedClock(),
    logger,
  };
  return { runtime, spans, lines };
};

export type BatchBehaviour = (entries: readonly BatchEntry[], call: number) => Promise<BatchSendResult>;

/** Confirms every entry. */
export const acceptAll: BatchBehaviour = async (entries) => ({
  successful: entries.map((entry) => ({ id: entry.id, messageId: `msg-${entry.message.orderId}` })),
  failed: [],
});

/**
 * A queue that records every message it is asked to send. `send` confirms unless `sendFails` is
 * given; `sendBatch` behaves as `batch` says (confirm all by default).
 */
export const recordingQueue = (options: { sendFails?: Error; batch?: BatchBehaviour } = {}) => {
  const sent: OrderMessage[] = [];
  const batchCalls: BatchEntry[][] = [];
  const queue: OrdersQueue = {
    send: async (message) => {
      sent.push(message);
      if (options.sendFails) throw options.sendFails;
      return { messageId: `msg-${message.orderId}` };
    },
    sendBatch: async (entries) => {
      batchCalls.push([...entries]);
      return (options.batch ?? acceptAll)(entries, batchCalls.length);
    },
  };
  return { queue, sent, batchCalls };
};

/** A route's dependencies over fakes: the runtime's, a recording queue (`queueOptions`) and an in-memory orders table. */
export const fakeRoute = (queueOptions: Parameters<typeof recordingQueue>[0] = {}) => {
  const { runtime, spans, lines } = fakeRuntime();
  const { queue, sent, batchCalls } = recordingQueue(queueOptions);
  const orders = new FakeOrdersTable();
  return { deps: { ...runtime, ordersQueue: queue, orders }, sent, batchCalls, orders, spans, lines };
};

/** An order as a store submits it: no orderId, no createdAt. */
export const orderRequest = (overrides: Record<string, unknown> = {}) => ({
  ...anOrderRequest(),
  ...overrides,
});

export interface ErrorAnswer {
  error: { code: string; message: string; issues?: Array<{ path: string; message: string }> };
}

export const parseBody = <T>(response: { body: string }): T => JSON.parse(response.body) as T;
