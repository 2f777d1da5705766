/**
 * A minimal client for the embedded SQS, speaking the JSON protocol (`x-amz-json-1.0`) over fetch.
 * The patches' tests use it instead of an AWS SDK so that the code under test (which brings its own
 * aws-sdk v2 client) is the only SDK involved, and because patches/ is not a workspace package.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 */
export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
  Attributes?: Record<string, string>;
}

export interface Queue {
  name: string;
  url: string;
  arn: string;
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as the JSON protocol carries binary values. */
  BinaryValue?: string;
}

export interface BatchEntry {
  Id: string;
  MessageBody: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
}

export interface BatchResult {
  Successful: { Id: string; MessageId: string }[];
  Failed: { Id: string; Code: string; Message: string; SenderFault: boolean | string }[];
}

export class SqsApiError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly body: string,
    /** The error code, from the `x-amzn-query-error` header (`Code;Sender`), as the SDKs read it. */
    readonly code: string,
  ) {
    super(`${action} failed with HTTP ${status} (${code}): ${body}`);
    this.name = 'SqsApiError';
  }
}

export const sqsApi = (endpoint: string) => {
  const call = async <Output>(action: string, input: Record<string, unknown>): Promise<Output> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
      body: JSON.stringify(input),
    });
    const body = await response.text();
    if (!response.ok) {
      const code = response.headers.get('x-amzn-query-error')?.split(';')[0] ?? '';
      throw new SqsApiError(action, response.status, body, code);
    }
    return (body ? JSON.parse(body) : {}) as Output;
  };

  const queueAttributes = async (url: string): Promise<Record<string, string>> =>
    (
      await call<{ Attributes: Record<string, string> }>('GetQueueAttributes', {
        QueueUrl: url,
        AttributeNames: ['All'],
      })
    ).Attributes;

  return {
    async createQueue(name: string, attributes: Record<string, string> = {}): Promise<Queue> {
      const { QueueUrl } = await call<{ QueueUrl: string }>('CreateQueue', {
        QueueName: name,
        Attributes: attributes,
      });
      const { QueueArn } = await queueAttributes(QueueUrl);
      if (!QueueArn) throw new Error(`queue ${name} has no QueueArn`);
      return { name, url: QueueUrl, arn: QueueArn };
    },

    async queueUrl(name: string): Promise<string> {
      return (await call<{ QueueUrl: string }>('GetQueueUrl', { QueueName: name })).QueueUrl;
    },

    queueAttributes,

    async sendMessage(
      url: string,
      body: string,
      attributes?: Record<string, MessageAttributeValue>,
    ): Promise<string> {
      return (
        await call<{ MessageId: string }>('SendMessage', {
          QueueUrl: url,
          MessageBody: body,
          MessageAttributes: attributes,
        })
      ).MessageId;
    },

    async sendMessageBatch(url: string, entries: readonly BatchEntry[]): Promise<BatchResult> {
      const { Successful = [], Failed = [] } = await call<Partial<BatchResult>>('SendMessageBatch', {
        QueueUrl: url,
        Entries: entries,
      });
      return { Successful, Failed };
    },

    async receiveMessages(
      url: string,
      { max, waitSeconds }: { max: number; waitSeconds: number },
    ): Promise<ReceivedMessage[]> {
      const { Messages = [] } = await call<{ Messages?: ReceivedMessage[] }>('ReceiveMessage', {
        QueueUrl: url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        AttributeNames: ['All'],
      });
      return Messages;
    },

    async changeMessageVisibility(
      url: string,
      receiptHandle: string,
      visibilityTimeout: number,
    ): Promise<void> {
      await call('ChangeMessageVisibility', {
        QueueUrl: url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: visibilityTimeout,
      });
    },

    /**
     * Which of these received messages are still on the queue. The embedded SQS accepts a
     * ChangeMessageVisibility for a message it still holds and answers ReceiptHandleIsInvalid for
     * a deleted one; the new visibility timeout keeps the survivors away from other consumers.
     */
    async stillQueued(url: string, receiptHandles: readonly string[]): Promise<boolean[]> {
      const { Successful = [] } = await call<{ Successful?: { Id: string }[] }>(
        'ChangeMessageVisibilityBatch',
        {
          QueueUrl: url,
          Entries: receiptHandles.map((ReceiptHandle, index) => ({
            Id: `m${index}`,
            ReceiptHandle,
            VisibilityTimeout: 60,
          })),
        },
      );
      const kept = new Set(Successful.map(({ Id }) => Id));
      return receiptHandles.map((_, index) => kept.has(`m${index}`));
    },
  };
};

export type SqsApi = ReturnType<typeof sqsApi>;
