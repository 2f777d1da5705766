import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger, storeDirectory, storesTable } from '@order-pipeline/common';
import { ordersTable } from '@order-pipeline/common/orders-table';
import { captureAwsClient, inSpan } from '@order-pipeline/common/tracing';
import { type ConsumerConfig, readConfig, SERVICE_NAME } from './config';
import type { HandlerDependencies } from './createHandler';
import { chaosFaults, crashAfterBatch } from './faults';
import { RECORD_LOG_VERBATIM_KEYS } from './processRecord';
import { createVisibilityChanger } from './visibility';

// An explicit endpoint on the local stage: without one the SQS client would send to the queue
// URL's host, and both clients must reach the embedded services, never AWS.
const endpointOf = (endpoint: string | undefined) => (endpoint === undefined ? {} : { endpoint });

/** The real side effects, built once per execution environment and reused by every invocation. */
export const sideEffects = (config: ConsumerConfig = readConfig()): HandlerDependencies => {
  // Captured before the document client wraps it: the wrapper shares the client's middleware stack.
  const dynamo = captureAwsClient(new DynamoDBClient(endpointOf(config.dynamoEndpoint)));
  const documents = DynamoDBDocumentClient.from(dynamo, {
    // Optional StoredOrder fields (traceId, correlationId, ...) may be undefined.
    marshallOptions: { removeUndefinedValues: true },
  });
  const sqs = captureAwsClient(new SQSClient(endpointOf(config.sqsEndpoint)));
  return {
    stores: storeDirectory(storesTable(documents, config.storesTable)),
    backoff: config.backoff,
    orders: ordersTable(documents, config.ordersTable),
    visibility: createVisibilityChanger(sqs, config.sqsEndpoint),
    clock: () => new Date(),
    logger: createLogger(SERVICE_NAME, { verbatimKeys: RECORD_LOG_VERBATIM_KEYS }),
    metrics: new Metrics({ namespace: config.metricsNamespace, serviceName: SERVICE_NAME }),
    tracer: inSpan,
    ...(config.chaosFaults ? { faults: chaosFaults } : {}),
    ...(config.chaosCrashRate > 0 ? { crashAfterBatch: crashAfterBatch(config.chaosCrashRate) } : {}),
  };
};
