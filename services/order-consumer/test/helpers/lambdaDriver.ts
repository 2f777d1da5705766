import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { buildOrderAttributes, type Order } from '@order-pipeline/common';
import {
  lambdaContext,
  lambdaRecordFromMessage,
  sqsEvent,
  TRACE_HEADER,
} from '@order-pipeline/common/testing';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface Queue {
  url: string;
  arn: string;
}

export type BatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Sends `order` as ingest-api does: contract attributes (no store_id when `storeId` is null) and a trace header. */
export const sendOrder = async (
  sqs: SQSClient,
  queue: Queue,
  order: Order,
  options: { storeId?: number | null; traceHeader?: string } = {},
): Promise<string> => {
  const attributes = buildOrderAttributes({
    storeId: options.storeId ?? order.storeId,
    correlationId: `corr-${order.orderId}`,
    producer: 'order-consumer-test',
  });
  if (options.storeId === null) delete attributes.store_id;
  const { MessageId } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: JSON.stringify(order),
      MessageAttributes: attributes,
      MessageSystemAttributes: {
        AWSTraceHeader: { DataType: 'String', StringValue: options.traceHeader ?? TRACE_HEADER },
      },
    }),
  );
  if (MessageId === undefined) throw new Error('SendMessage returned no MessageId');
  return MessageId;
};

/**
 * Receives up to `max` messages the way Lambda's SQS poller does (every system and message
 * attribute), as Lambda records. `visibilityTimeout` overrides the queue's for this receive.
 */
export const receiveRecords = async (
  sqs: SQSClient,
  queue: Queue,
  options: { max?: number; waitSeconds?: number; visibilityTimeout?: number } = {},
): Promise<SQSRecord[]> => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      AttributeNames: ['All'],
      MessageAttributeNames: ['All'],
      MaxNumberOfMessages: options.max ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      ...(options.visibilityTimeout === undefined ? {} : { VisibilityTimeout: options.visibilityTimeout }),
    }),
  );
  return Messages.map((message) => lambdaRecordFromMessage(message, queue.arn));
};

/**
 * Invokes the handler with the records as one batch and then does what Lambda does with a
 * `ReportBatchItemFailures` response: deletes every record not reported as failed, leaves the
 * failed ones to the queue. Answers the failed message ids.
 */
export const invokeLikeLambda = async (
  handler: BatchHandler,
  sqs: SQSClient,
  queue: Queue,
  records: SQSRecord[],
): Promise<string[]> => {
  const response = await handler(sqsEvent(records), lambdaContext('order-consumer-local-processOrders'));
  const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier);
  const done = records.filter((record) => !failed.includes(record.messageId));
  if (done.length > 0) {
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
      }),
    );
    if (Failed.length > 0) throw new Error(`DeleteMessageBatch failed: ${JSON.stringify(Failed)}`);
  }
  return failed;
};
