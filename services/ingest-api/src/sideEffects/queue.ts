import { SQSClient } from '@aws-sdk/client-sqs';
import { captureAwsClient } from '@order-pipeline/common/tracing';
import { readQueueEnv } from '../env';
import type { OrderQueue } from '../orderQueue';
import { sqsOrderQueue } from '../sqsOrderQueue';

const env = readQueueEnv();

// Built once per cold start. The local stack passes the embedded SQS as AWS_ENDPOINT_URL_SQS; it is
// given explicitly so that every call goes there. Captured: each call is a subsegment of the span.
export const orderQueue: OrderQueue = sqsOrderQueue(
  captureAwsClient(new SQSClient(env.sqsEndpoint ? { endpoint: env.sqsEndpoint } : {})),
  env.queueUrl,
);
