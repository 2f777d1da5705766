import { OrderPipelineError } from './errors';

/** The parts of an SQS queue ARN, `arn:<partition>:sqs:<region>:<account>:<queue name>`. */
export interface QueueArn {
  partition: string;
  region: string;
  accountId: string;
  queueName: string;
}

// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html#amazonsqs-resources-for-iam-policies
// Queue names: at most 80 of A-Z a-z 0-9 _ -, a FIFO queue's ending in `.fifo` (within the 80).
const QUEUE_ARN =
  /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$/;

// DNS suffix of the SQS endpoint per partition: https://docs.aws.amazon.com/general/latest/gr/sqs-service.html
const DNS_SUFFIX: Readonly<Record<string, string>> = {
  aws: 'amazonaws.com',
  'aws-us-gov': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
};

/** Splits an SQS queue ARN; throws an OrderPipelineError naming the value when it is not one. */
export const parseQueueArn = (arn: string): QueueArn => {
  const match = QUEUE_ARN.exec(arn);
  const [, partition, region, accountId, queueName] = match ?? [];
  if (partition === undefined || region === undefined || accountId === undefined || queueName === undefined) {
    throw new OrderPipelineError(`not an SQS queue ARN: "${arn}"`);
  }
  return { partition, region, accountId, queueName };
};

/**
 * The queue URL for a queue ARN, e.g. a Lambda SQS record's `eventSourceARN`. With an endpoint
 * (AWS_ENDPOINT_URL_SQS: the embedded SQS) the URL is `${endpoint}/${account}/${queueName}`, the
 * shape local SQS emulators answer to; otherwise the public regional endpoint's
 * `https://sqs.<region>.<dns suffix>/<account>/<queue name>`.
 */
export const queueUrlFromArn = (arn: string, endpoint?: string): string => {
  const { partition, region, accountId, queueName } = parseQueueArn(arn);
  const base = endpoint?.trim().replace(/\/+$/, '');
  if (base) return `${base}/${accountId}/${queueName}`;
  const suffix = DNS_SUFFIX[partition];
  if (suffix === undefined) throw new OrderPipelineError(`unknown AWS partition "${partition}" in "${arn}"`);
  return `https://sqs.${region}.${suffix}/${accountId}/${queueName}`;
};
