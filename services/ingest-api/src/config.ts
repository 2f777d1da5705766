import { type Env, requireEnv } from '@order-pipeline/common/env';

export const SERVICE_NAME = 'ingest-api';

/** An endpoint override (the local stack's embedded SQS or DynamoDB); unset on AWS. */
const optional = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

/** The POST functions' environment (serverless.yml sets ORDERS_QUEUE_URL). */
export const readQueueConfig = (env: Env = process.env) => ({
  queueUrl: requireEnv('ORDERS_QUEUE_URL', env),
  sqsEndpoint: optional(env.AWS_ENDPOINT_URL_SQS),
});

/** The orders table's environment, for every function (serverless.yml sets ORDERS_TABLE). */
export const readTableConfig = (env: Env = process.env) => ({
  tableName: requireEnv('ORDERS_TABLE', env),
  dynamoEndpoint: optional(env.AWS_ENDPOINT_URL_DYNAMODB),
});

/** The store authorizer's environment (serverless.yml sets STORES_TABLE). */
export const readStoresConfig = (env: Env = process.env) => ({
  tableName: requireEnv('STORES_TABLE', env),
  dynamoEndpoint: optional(env.AWS_ENDPOINT_URL_DYNAMODB),
});
