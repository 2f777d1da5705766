import {
  type MessageSystemAttributeValue,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { OrderPipelineError } from '@order-pipeline/common';
import { SEND_POLICY } from './limits';
import type { OrderMessage } from './orderMessage';
import type { OrdersQueue } from './ordersQueue';

/**
 * AWSTraceHeader is the one system attribute SQS accepts; X-Ray links the consumer's trace to it.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
const traceAttribute = (message: OrderMessage): Record<string, MessageSystemAttributeValue> => ({
  AWSTraceHeader: { DataType: 'String', StringValue: message.traceHeader },
});

/**
 * The orders queue over the SQS API. Each call, the SDK's own retries included, is aborted after
 * `callTimeoutMs`, so that a hung connection cannot keep the function from answering.
 */
export const sqsOrdersQueue = (
  client: SQSClient,
  queueUrl: string,
  callTimeoutMs: number = SEND_POLICY.callTimeoutMs,
): OrdersQueue => {
  const callOptions = () => ({ abortSignal: AbortSignal.timeout(callTimeoutMs) });
  return {
    async send(message) {
      const output = await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: message.body,
          MessageAttributes: message.attributes,
          MessageSystemAttributes: traceAttribute(message),
        }),
        callOptions(),
      );
      if (!output.MessageId) throw new OrderPipelineError('SendMessage answered without a MessageId');
      return { messageId: output.MessageId };
    },
    async sendBatch(entries) {
      const output = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map(({ id, message }) => ({
            Id: id,
            MessageBody: message.body,
            MessageAttributes: message.attributes,
            MessageSystemAttributes: traceAttribute(message),
          })),
        }),
        callOptions(),
      );
      return {
        successful: (output.Successful ?? []).flatMap((entry) =>
          entry.Id && entry.MessageId ? [{ id: entry.Id, messageId: entry.MessageId }] : [],
        ),
        failed: (output.Failed ?? []).map((entry) => ({
          id: entry.Id ?? '',
          senderFault: entry.SenderFault === true,
          code: entry.Code ?? 'Unknown',
          message: entry.Message ?? '',
        })),
      };
    },
  };
};
