import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutgoingAttributes } from '@order-pipeline/common';
import { LOCAL_CREDENTIALS } from '@order-pipeline/local-aws/stack-file';
import { type DeadLetterStore, deadLetterTable } from '../deadLetterTable';
import { IncompleteAnswerError } from '../errors';
import type { StageTarget } from './stage';

export interface OutgoingMessage {
  body: string;
  attributes: OutgoingAttributes;
  traceHeader?: string | undefined;
}

/** The orders queue, as a redrive writes to it. */
export interface OrdersQueue {
  /** Sends one message; answers its new message id. */
  send(message: OutgoingMessage): Promise<string>;
}

export interface CommandClients {
  deadLetters: DeadLetterStore;
  ordersQueue: OrdersQueue;
  close(): void;
}

const sqsOrdersQueue = (sqs: SQSClient, target: StageTarget['ordersQueue']): OrdersQueue => {
  let queueUrl: Promise<string> | undefined;
  const resolveUrl = async (): Promise<string> => {
    if ('url' in target) return target.url;
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: target.name }));
    if (QueueUrl === undefined) throw new IncompleteAnswerError('GetQueueUrl', 'QueueUrl', ` ${target.name}`);
    return QueueUrl;
  };
  return {
    async send(message) {
      queueUrl ??= resolveUrl();
      const { MessageId } = await sqs.send(
        new SendMessageCommand({
          QueueUrl: await queueUrl,
          MessageBody: message.body,
          MessageAttributes: message.attributes,
          // The producer's trace continues through the redriven message:
          // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html#SQS-SendMessage-request-MessageSystemAttributes
          ...(message.traceHeader === undefined
            ? {}
            : {
                MessageSystemAttributes: {
                  AWSTraceHeader: { DataType: 'String', StringValue: message.traceHeader },
                },
              }),
        }),
      );
      if (MessageId === undefined) throw new IncompleteAnswerError('SendMessage', 'MessageId');
      return MessageId;
    },
  };
};

/**
 * Real clients for a stage: the embedded endpoints with fake credentials on `local`, the AWS default
 * credential chain (environment, profile, SSO, instance role) anywhere else.
 */
export const connect = (target: StageTarget): CommandClients => {
  const common = { region: target.region };
  const dynamo = new DynamoDBClient(
    target.local
      ? { ...common, endpoint: target.local.dynamoEndpoint, credentials: LOCAL_CREDENTIALS }
      : common,
  );
  // An explicit endpoint: the SDK would otherwise send to the QueueUrl's host.
  const sqs = new SQSClient(
    target.local ? { ...common, endpoint: target.local.sqsEndpoint, credentials: LOCAL_CREDENTIALS } : common,
  );
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return {
    deadLetters: deadLetterTable(documents, target.deadLettersTable),
    ordersQueue: sqsOrdersQueue(sqs, target.ordersQueue),
    close() {
      dynamo.destroy();
      sqs.destroy();
    },
  };
};
