import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Order } from '@order-pipeline/common';
import { anOrderRequest } from '@order-pipeline/common/testing';
import { clientConfig } from '@order-pipeline/local-aws';
import { freePorts } from '../../local-stack/ports';
import { type Stack, type StackOptions, startStack } from '../../local-stack/stack';
import type { SegmentDocument } from '../../traces/traceTree';

/** A whole local stack on free ports with its own state directory, and clients for asserting on it. */
export interface E2e {
  stack: Stack;
  sqs: SQSClient;
  db: DynamoDBDocumentClient;
  /** A string or bytes are sent as they are; anything else as JSON. */
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown; headers: Headers }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  /** The orders table's item of `(storeId, orderId)`. */
  storedOrder(storeId: number, orderId: string): Promise<Record<string, unknown> | undefined>;
  deadLetters(): Promise<Array<Record<string, unknown>>>;
  segments(): Promise<SegmentDocument[]>;
  stop(): Promise<void>;
}

export const startE2e = async (options: Omit<StackOptions, 'ports' | 'stateDir'> = {}): Promise<E2e> => {
  const stateDir = await mkdtemp(join(tmpdir(), 'order-pipeline-e2e-'));
  const stack = await startStack({ ...options, ports: await freePorts(), stateDir });
  const { info } = stack;
  const sqs = new SQSClient(clientConfig(info.sqsEndpoint));
  const dynamo = new DynamoDBClient(clientConfig(info.dynamoEndpoint));
  const db = DynamoDBDocumentClient.from(dynamo);
  const call = async (path: string, init: RequestInit) => {
    const response = await fetch(`${info.apiBaseUrl}${path}`, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the assertion message
    }
    return { status: response.status, body, headers: response.headers };
  };
  const withKey = (headers: Record<string, string>) => ({ 'x-api-key': info.apiKey, ...headers });
  return {
    stack,
    sqs,
    db,
    post: (path, body, headers = {}, signal) =>
      call(path, {
        method: 'POST',
        headers: withKey({ 'content-type': 'application/json', ...headers }),
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        ...(signal === undefined ? {} : { signal }),
      }),
    get: (path, headers = {}) => call(path, { headers: withKey(headers) }),
    storedOrder: async (storeId, orderId) =>
      (await db.send(new GetCommand({ TableName: info.tables.OrdersTable, Key: { storeId, orderId } }))).Item,
    deadLetters: async () =>
      (await db.send(new ScanCommand({ TableName: info.tables.DeadLettersTable }))).Items ?? [],
    segments: async () =>
      (await readFile(info.tracesFile, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as SegmentDocument),
    stop: async () => {
      sqs.destroy();
      dynamo.destroy();
      await stack.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
};

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs` naming `what`. */
export const eventually = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
};

export const orderRequest = (storeId: number, overrides: Partial<Order> = {}) =>
  anOrderRequest({ storeId, ...overrides });

const TRACED_SERVICES = ['ingest-api', 'order-consumer', 'dlq-handler'] as const;

/**
 * Posts an order for a store that is not open (99), waits until it is dead-lettered, and answers the
 * API's traceId with every segment or span of that order, once ingest-api, order-consumer and
 * dlq-handler have all emitted theirs: the trace-continuity check, whichever the tracing backend.
 */
export const traceOfDeadLetteredOrder = async (
  e2e: E2e,
): Promise<{ orderId: string; traceId: string; segments: SegmentDocument[] }> => {
  const posted = await e2e.post('/orders', orderRequest(99));
  if (posted.status !== 202)
    throw new Error(`POST /orders answered ${posted.status}: ${JSON.stringify(posted.body)}`);
  const { orderId, traceId } = posted.body as { orderId: string; traceId: string };
  await eventually(`the dead letter of ${orderId}`, async () =>
    (await e2e.deadLetters()).find((record) => record.orderId === orderId),
  );
  const segments = await eventually('the three services to emit segments', async () => {
    const ofOrder = (await e2e.segments()).filter(
      (segment) => segment.annotations?.orderId === orderId || segment.trace_id === traceId,
    );
    const names = new Set(ofOrder.map((segment) => segment.name));
    return TRACED_SERVICES.every((name) => names.has(name)) ? ofOrder : undefined;
  });
  return { orderId, traceId, segments };
};
