import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger, storeDirectory, storesTable } from '@order-pipeline/common';
import { ordersTable } from '@order-pipeline/common/orders-table';
import { captureAwsClient, inSpan } from '@order-pipeline/common/tracing';
import type { ArchiveDeps } from './archive';
import { type HandlerConfig, readConfig } from './config';
import { deadLetterTable } from './deadLetterTable';
import { deadLetterMetrics } from './metrics';

export const SERVICE_NAME = 'dlq-handler';

export interface HandlerDeps extends ArchiveDeps {
  /** Flushed after every invocation by the logMetrics middleware. */
  powertoolsMetrics: Metrics;
}

/** Builds the real AWS clients once per cold start; a test passes its own config or fakes instead. */
export const dependencies = (config: HandlerConfig = readConfig()): HandlerDeps => {
  // The local stage points the SDK at the embedded DynamoDB (AWS_ENDPOINT_URL_DYNAMODB).
  const dynamo = captureAwsClient(
    new DynamoDBClient(config.dynamoEndpoint === undefined ? {} : { endpoint: config.dynamoEndpoint }),
  );
  const documents = DynamoDBDocumentClient.from(dynamo, {
    // Lambda's attribute shapes carry optional fields; absent ones are simply not stored.
    marshallOptions: { removeUndefinedValues: true },
  });
  const powertoolsMetrics = new Metrics({ serviceName: SERVICE_NAME });
  return {
    deadLetters: deadLetterTable(documents, config.deadLettersTable, config.deadLetterRetentionDays),
    orders: ordersTable(documents, config.ordersTable),
    stores: storeDirectory(storesTable(documents, config.storesTable)),
    logger: createLogger(SERVICE_NAME),
    metrics: deadLetterMetrics(powertoolsMetrics),
    powertoolsMetrics,
    trace: inSpan,
    now: () => new Date(),
  };
};
