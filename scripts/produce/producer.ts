import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildOrderAttributes, type Order } from '@order-pipeline/common';
import { formatTraceHeader, newSegmentId, newTraceId } from '@order-pipeline/common/tracing';
import { type PlannedMessage, POISON_ATTRIBUTES } from './traffic';

export type Route = 'api' | 'sqs';

export interface ProduceTarget {
  apiBaseUrl: string;
  /** Each store sends with its own key (the local stack lists them in stack.json `stores`). */
  apiKeyOf(storeId: number): string;
  queueUrl: string;
  sqs: SQSClient;
  fetch?: typeof fetch;
  /** Wait before the n-th retry of a 503/504: n times this (1000 ms), or the 503's Retry-After. */
  retryDelayMs?: number;
}

export interface SentMessage {
  orderId: string;
  poison: boolean;
  ok: boolean;
  status?: number;
  error?: string;
  traceId?: string;
}

/** A 503 or 504 (or a dropped connection) may hide an order that was queued, or recorded but not sent. */
const RETRIED_STATUSES = new Set([503, 504]);
const ATTEMPTS = 3;

/**
 * POSTs `body`, sending it again, unchanged, after a 503, a 504 or a network error (at most ATTEMPTS
 * times): every order carries its orderId, so the API answers a retry as a replay, or sends an order
 * whose first request timed out after recording it (README, "Retrying safely"); never a second order.
 */
const postRetryingSafely = async (
  target: ProduceTarget,
  path: string,
  apiKey: string,
  body: string,
): Promise<Response> => {
  const http = target.fetch ?? fetch;
  const delay = target.retryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await http(`${target.apiBaseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body,
      });
    } catch (error) {
      if (attempt === ATTEMPTS) throw error;
      await sleep(delay * attempt);
      continue;
    }
    if (!RETRIED_STATUSES.has(response.status) || attempt === ATTEMPTS) return response;
    await response.body?.cancel();
    const retryAfterSeconds = Number(response.headers.get('retry-after'));
    await sleep(delay > 0 && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : delay * attempt);
  }
};

const sendToApi = async (order: Order, target: ProduceTarget): Promise<SentMessage> => {
  const response = await postRetryingSafely(
    target,
    '/orders',
    target.apiKeyOf(order.storeId),
    JSON.stringify(order),
  );
  const body = (await response.json().catch(() => ({}))) as {
    traceId?: string;
    error?: { message?: string };
  };
  return {
    orderId: order.orderId,
    poison: false,
    ok: response.status === 202,
    status: response.status,
    ...(body.traceId ? { traceId: body.traceId } : {}),
    ...(response.status === 202 ? {} : { error: body.error?.message ?? `HTTP ${response.status}` }),
  };
};

/** The part of a POST /orders/batch answer the producer reads (ingest-api's BatchReport). */
interface BatchAnswer {
  traceId?: string;
  results?: { index: number; status: string; error?: { message?: string } }[];
  error?: { message?: string };
}

/** Sends orders in one POST /orders/batch; each order's outcome is its entry in `results`. */
const sendBatchToApi = async (orders: readonly Order[], target: ProduceTarget): Promise<SentMessage[]> => {
  const response = await postRetryingSafely(
    target,
    '/orders/batch',
    // A key sends its own store's orders only: requestsOf puts one store's orders in a batch.
    target.apiKeyOf(orders[0]?.storeId ?? 0),
    JSON.stringify({ orders }),
  );
  const body = (await response.json().catch(() => ({}))) as BatchAnswer;
  const byIndex = new Map((body.results ?? []).map((result) => [result.index, result]));
  return orders.map((order, index) => {
    const result = byIndex.get(index);
    const ok = result?.status === 'accepted';
    return {
      orderId: order.orderId,
      poison: false,
      ok,
      status: response.status,
      ...(body.traceId ? { traceId: body.traceId } : {}),
      ...(ok
        ? {}
        : {
            error:
              result?.error?.message ??
              (result ? result.status : (body.error?.message ?? `HTTP ${response.status}`)),
          }),
    };
  });
};

const sendToQueue = async (
  message: PlannedMessage,
  producer: string,
  target: ProduceTarget,
): Promise<SentMessage> => {
  const traceId = newTraceId();
  await target.sqs.send(
    new SendMessageCommand({
      QueueUrl: target.queueUrl,
      MessageBody: JSON.stringify(message.order),
      MessageAttributes: message.poison
        ? { ...POISON_ATTRIBUTES }
        : buildOrderAttributes({
            storeId: message.order.storeId,
            correlationId: `produce-${message.order.orderId}`,
            producer,
          }),
      MessageSystemAttributes: {
        AWSTraceHeader: {
          DataType: 'String',
          StringValue: formatTraceHeader({ root: traceId, parent: newSegmentId(), sampled: '1' }),
        },
      },
    }),
  );
  return { orderId: message.order.orderId, poison: message.poison, ok: true, traceId };
};

/** Sends one planned message: good orders by `route`, poison ones always straight to SQS. */
export const sendPlanned = async (
  message: PlannedMessage,
  route: Route,
  target: ProduceTarget,
): Promise<SentMessage> => {
  try {
    if (message.poison || route === 'sqs') return await sendToQueue(message, 'produce-script', target);
    return await sendToApi(message.order, target);
  } catch (error) {
    return {
      orderId: message.order.orderId,
      poison: message.poison,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
};

/** Sends good orders through POST /orders/batch; a request that fails fails each of its orders. */
const sendBatch = async (
  messages: readonly PlannedMessage[],
  target: ProduceTarget,
): Promise<SentMessage[]> => {
  try {
    return await sendBatchToApi(
      messages.map(({ order }) => order),
      target,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return messages.map(({ order }) => ({ orderId: order.orderId, poison: false, ok: false, error: reason }));
  }
};

/**
 * What one request sends, by the messages' indexes in the plan: with `batchSize`, good orders go
 * through the API `batchSize` at a time, one store's orders a batch (a store's key sends only its own
 * orders), in plan order within a store; poison messages always go one by one to SQS.
 */
const requestsOf = (messages: readonly PlannedMessage[], route: Route, batchSize?: number): number[][] => {
  if (batchSize === undefined || route !== 'api') return messages.map((_, index) => [index]);
  const single: number[][] = [];
  const batches: number[][] = [];
  const open = new Map<number, number[]>();
  messages.forEach((message, index) => {
    if (message.poison) {
      single.push([index]);
      return;
    }
    const { storeId } = message.order;
    const current = open.get(storeId);
    if (current && current.length < batchSize) {
      current.push(index);
      return;
    }
    const batch = [index];
    open.set(storeId, batch);
    batches.push(batch);
  });
  return [...batches, ...single];
};

/**
 * Sends every message with at most `concurrency` requests in flight, reporting progress (messages
 * done) after each request. With `batchSize`, good orders go through POST /orders/batch.
 */
export const produce = async (
  messages: readonly PlannedMessage[],
  options: { route: Route; concurrency: number; batchSize?: number; onProgress?: (done: number) => void },
  target: ProduceTarget,
): Promise<SentMessage[]> => {
  const results: SentMessage[] = new Array(messages.length);
  const requests = requestsOf(messages, options.route, options.batchSize);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < requests.length) {
      const indexes = requests[next++] as number[];
      const planned = indexes.map((index) => messages[index] as PlannedMessage);
      const sent =
        options.batchSize !== undefined && !planned[0]?.poison
          ? await sendBatch(planned, target)
          : [await sendPlanned(planned[0] as PlannedMessage, options.route, target)];
      indexes.forEach((index, position) => {
        results[index] = sent[position] as SentMessage;
      });
      done += indexes.length;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return results;
};
