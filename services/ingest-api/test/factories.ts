import { randomUUID } from 'node:crypto';
import type { Tracer } from '@order-pipeline/common';
import { anOrderRequest } from '@order-pipeline/common/testing';
import type { Span, SpanOptions } from '@order-pipeline/common/tracing';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { OrderMessage } from '../src/orderMessage';
import type { BatchEntry, BatchSendResult, OrderQueue } from '../src/orderQueue';
import type { RouteDependencies, RouteLogger } from '../src/requestScope';

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

/** A Lambda context with `remainingMs` left. */
export const lambdaContext = (remainingMs = 10_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'ingest-api-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:ingest-api-test',
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/ingest-api-test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export const FAKE_TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';
export const FAKE_SPAN_ID = '53995c3f42cd8ad8';

export interface RecordedSpan {
  options: SpanOptions;
  annotations: Record<string, unknown>;
  failures: unknown[];
}

/** A tracer that records its spans instead of emitting them. */
export const fakeTracer = (traceId = FAKE_TRACE_ID) => {
  const spans: RecordedSpan[] = [];
  const trace: Tracer = async (options, work) => {
    const recorded: RecordedSpan = { options, annotations: {}, failures: [] };
    spans.push(recorded);
    const span: Span = {
      traceId,
      id: FAKE_SPAN_ID,
      sampled: true,
      annotate: (key, value) => {
        recorded.annotations[key] = value;
      },
      metadata: () => undefined,
      fail: (error) => {
        recorded.failures.push(error);
      },
      header: () => `Root=${traceId};Parent=${FAKE_SPAN_ID};Sampled=1`,
    };
    return work(span);
  };
  return { trace, spans };
};

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

export const recordingLog = () => {
  const lines: LogLine[] = [];
  const log: RouteLogger = {
    info: (message, attributes) => lines.push({ level: 'info', message, attributes }),
    warn: (message, attributes) => lines.push({ level: 'warn', message, attributes }),
    error: (message, attributes) => lines.push({ level: 'error', message, attributes }),
  };
  return { log, lines };
};

export const FIXED_NOW = new Date('2026-11-22T12:00:00.000Z');

/** Runtime dependencies with a recording tracer and log, a fixed clock and counting UUIDs. */
export const fakeRuntime = () => {
  const tracer = fakeTracer();
  const { log, lines } = recordingLog();
  let next = 0;
  const runtime: RouteDependencies = {
    tracer: tracer.trace,
    uuid: () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`,
    clock: () => FIXED_NOW,
    logger: log,
  };
  return { runtime, spans: tracer.spans, lines };
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
  const queue: OrderQueue = {
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

/** An order as a store submits it: no orderId, no createdAt. */
export const orderRequest = (overrides: Record<string, unknown> = {}) => ({
  ...anOrderRequest(),
  ...overrides,
});

export interface ErrorAnswer {
  error: { code: string; message: string; issues?: Array<{ path: string; message: string }> };
}

export const parseBody = <T>(response: { body: string }): T => JSON.parse(response.body) as T;
