/**
 * SQS's message size limit (body plus every attribute's name, type and value) as this service plans
 * for it: 256 KiB, the historical maximum and still the limit of any queue or consumer configured with
 * it. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/** One order's message (and a POST /orders body) may use at most this much: a margin under SQS's limit. */
export const MAX_ORDER_BYTES = 200 * 1024;

/**
 * A SendMessageBatch call carries at most 10 entries whose sizes add up to at most the message limit.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export const SQS_MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_BATCH_BYTES = SQS_MAX_MESSAGE_BYTES;

/** Orders per POST /orders/batch. */
export const MAX_BATCH_ORDERS = 100;

/**
 * A POST /orders/batch body: 100 of the largest valid orders (about 13 KB each) with room for
 * indentation, well under Lambda's 6 MB invocation payload.
 */
export const MAX_BATCH_BODY_BYTES = 4 * 1024 * 1024;

/** Seconds a client is asked to wait (Retry-After) before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** How the batch sender retries entries SQS reports as failed (never SenderFault entries). */
export const SEND_POLICY = {
  /** Attempts per entry, the first included. */
  maxAttempts: 3,
  /** Wait before the second attempt; doubled before each further one. */
  backoffBaseMs: 50,
  /** One SQS call, the SDK's own retries included, is aborted after this long. */
  callTimeoutMs: 3000,
  /** No call starts unless it can time out and still leave this long to answer before Lambda's timeout. */
  answerMarginMs: 1000,
} as const;
export type SendPolicy = { readonly [K in keyof typeof SEND_POLICY]: number };
