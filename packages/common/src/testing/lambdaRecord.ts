import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { parseQueueArn } from '../queueUrl';

const toRecordAttribute = (attribute: MessageAttributeValue): SQSMessageAttribute => ({
  ...(attribute.StringValue === undefined ? {} : { stringValue: attribute.StringValue }),
  ...(attribute.BinaryValue === undefined
    ? {}
    : { binaryValue: Buffer.from(attribute.BinaryValue).toString('base64') }),
  stringListValues: [],
  binaryListValues: [],
  dataType: attribute.DataType ?? 'String',
});

const required = (value: string | undefined, what: string): string => {
  if (value === undefined) throw new Error(`received message has no ${what}`);
  return value;
};

// Lambda's SQS event source always delivers these system attributes; a message received without
// `AttributeNames: ['All']` lacks them, which would make the record unlike a real one.
const recordAttributes = (attributes: Record<string, string>): SQSRecordAttributes => {
  const system = (name: string) => required(attributes[name], `${name} (receive with AttributeNames All)`);
  return {
    ...attributes,
    ApproximateReceiveCount: system('ApproximateReceiveCount'),
    SentTimestamp: system('SentTimestamp'),
    SenderId: system('SenderId'),
    ApproximateFirstReceiveTimestamp: system('ApproximateFirstReceiveTimestamp'),
  };
};

/**
 * Converts a message received with ReceiveMessage (`AttributeNames: ['All']`,
 * `MessageAttributeNames: ['All']`) to the record Lambda's SQS event source would deliver for it:
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#example-standard-queue-message-event
 * Binary attributes become base64 strings, as in the Lambda event.
 */
export const lambdaRecordFromMessage = (message: Message, queueArn: string): SQSRecord => {
  return {
    messageId: required(message.MessageId, 'MessageId'),
    receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
    body: message.Body ?? '',
    attributes: recordAttributes({ ...message.Attributes }),
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toRecordAttribute(value),
      ]),
    ),
    md5OfBody: required(message.MD5OfBody, 'MD5OfBody'),
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: parseQueueArn(queueArn).region,
  };
};

/** A Lambda invocation context; `remainingMillis` feeds getRemainingTimeInMillis (middy's timeout guard). */
export const lambdaContext = (functionName = 'test-function', remainingMillis = 10_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'test-request-id',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'test-stream',
  getRemainingTimeInMillis: () => remainingMillis,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
