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
}

export interface SentMessage {
  orderId: string;
  poison: boolean;
  ok: boolean;
  status?: number;
  error?: string;
  traceId?: string;
}

const sendToApi = async (order: Order, target: ProduceTarget): Promise<SentMessage> => {
  const http = target.fetch ?? fetch;
  const response = await http(`${target.apiBaseUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': target.apiKeyOf(order.storeId) },
    body: JSON.stringify(order),
  });
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

/** Sends every message with at most `concurrency` in flight, reporting progress after each. */
export const produce = async (
  messages: readonly PlannedMessage[],
  options: { route: Route; concurrency: number; onProgress?: (done: number) => void },
  target: ProduceTarget,
): Promise<SentMessage[]> => {
  const results: SentMessage[] = new Array(messages.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < messages.length) {
      const index = next++;
      results[index] = await sendPlanned(messages[index] as PlannedMessage, options.route, target);
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return results;
};
