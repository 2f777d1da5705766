import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { buildOrderAttributes, type Order, storesTable } from '@order-pipeline/common';
import { anOrder, anOrderRequest, aStore, waitUntil } from '@order-pipeline/common/testing';
import { clientConfig, SAMPLE_STORE_ID } from '@order-pipeline/local-aws';
import { queueOf, storeKeyOf } from '@order-pipeline/local-aws/stack-file';
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
  /** With the key of `storeId` (the sample store 7 unless given): GET reads that store's orders. */
  get(
    path: string,
    headers?: Record<string, string>,
    storeId?: number,
  ): Promise<{ status: number; body: unknown }>;
  /** The local stack's key of a seeded store (stack.json `stores`). */
  keyOf(storeId: number): string;
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
  const keyOf = (storeId: number) => storeKeyOf(info, storeId);
  // Each store sends with its own key, as a real client does: the key of the (first) order's storeId
  // when it names a seeded store, else the sample store's; a test passes `x-api-key` to choose.
  const storeOf = (body: unknown): number | undefined => {
    if (typeof body !== 'object' || body === null) return undefined;
    const { storeId, orders } = body as { storeId?: unknown; orders?: unknown };
    if (Array.isArray(orders)) return storeOf(orders[0]);
    return typeof storeId === 'number' && info.stores.some((store) => store.storeId === storeId)
      ? storeId
      : undefined;
  };
  const withKey = (headers: Record<string, string>, storeId = SAMPLE_STORE_ID) => ({
    'x-api-key': keyOf(storeId),
    ...headers,
  });
  return {
    stack,
    sqs,
    db,
    post: (path, body, headers = {}, signal) =>
      call(path, {
        method: 'POST',
        headers: withKey({ 'content-type': 'application/json', ...headers }, storeOf(body)),
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        ...(signal === undefined ? {} : { signal }),
      }),
    get: (path, headers = {}, storeId = SAMPLE_STORE_ID) =>
      call(path, { headers: withKey(headers, storeId) }),
    keyOf,
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

/** Polls `probe` (every 100 ms) until it returns a value other than undefined; fails after `timeoutMs` naming `what`. */
export const eventually = <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> => waitUntil(what, probe, { timeoutMs });

export const orderRequest = (storeId: number, overrides: Partial<Order> = {}) =>
  anOrderRequest({ storeId, ...overrides });

const TRACED_SERVICES = ['ingest-api', 'order-consumer', 'dlq-handler'] as const;

/**
 * Posts an order that ends as a dead letter, and answers its trace once ingest, consumer and DLQ
 * handler have each emitted a segment of it. Ingest accepts only open stores' orders, so the order must
 * reach a consumer that holds its store for not open: the consumer is first asked about `storeId`
 * (a message straight to SQS) while the registry has no such store, and keeps that answer (start the
 * stack with STORE_CACHE_TTL_SECONDS=3600, so that this is certain, not a race with the default 10 s);
 * then the store is added with a key of its own, and the order posted with that key.
 */
export const traceOfDeadLetteredOrder = async (
  e2e: E2e,
  storeId = 60,
): Promise<{ orderId: string; traceId: string; segments: SegmentDocument[] }> => {
  const { MessageId: probeId } = await e2e.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueOf(e2e.stack.info, 'OrdersQueue').url,
      MessageBody: JSON.stringify(anOrder({ storeId })),
      MessageAttributes: buildOrderAttributes({ storeId, correlationId: 'e2e', producer: 'e2e' }),
    }),
  );
  await eventually(`the consumer to ask about store ${storeId}`, async () =>
    (await e2e.segments()).some(
      (segment) => segment.name === 'order-consumer' && segment.annotations?.messageId === probeId,
    )
      ? true
      : undefined,
  );
  const key = `local-store-${storeId}-key-0123456789abcdef`;
  await storesTable(e2e.db, e2e.stack.info.tables.StoresTable ?? '').add(aStore({ storeId, apiKey: key }));

  const posted = await e2e.post('/orders', orderRequest(storeId), { 'x-api-key': key });
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
