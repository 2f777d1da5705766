import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger, storeDirectory, storesTable } from '@order-pipeline/common';
import { ordersTable } from '@order-pipeline/common/orders-table';
import { captureAwsClient, inSpan } from '@order-pipeline/common/tracing';
import { type HandlerConfig, readConfig, SERVICE_NAME } from './config';
import type { HandlerDependencies } from './createHandler';
import { deadLetterTable } from './deadLetterTable';
import { deadLetterMetrics } from './metrics';

/** The real side effects, built once per execution environment and reused by every invocation. */
export const sideEffects = (config: HandlerConfig = readConfig()): HandlerDependencies => {
  // The local stage points the SDK at the embedded DynamoDB (AWS_ENDPOINT_URL_DYNAMODB).
  const dynamo = captureAwsClient(
    new DynamoDBClient(config.dynamoEndpoint === undefined ? {} : { endpoint: config.dynamoEndpoint }),
  );
  const documents = DynamoDBDocumentClient.from(dynamo, {
    // Lambda's attribute shapes carry optional fields; absent ones are simply not stored.
    marshallOptions: { removeUndefinedValues: true },
  });
  const metrics = new Metrics({ serviceName: SERVICE_NAME });
  return {
    deadLetters: deadLetterTable(documents, config.deadLettersTable, config.deadLetterRetentionDays),
    orders: ordersTable(documents, config.ordersTable),
    stores: storeDirectory(storesTable(documents, config.storesTable)),
    logger: createLogger(SERVICE_NAME),
    metrics,
    deadLetterMetrics: deadLetterMetrics(metrics),
    tracer: inSpan,
    clock: () => new Date(),
  };
};
