import { type Env, intEnv, requireEnv } from '@order-pipeline/common';
import { DEFAULT_RETENTION_DAYS } from './deadLetterTable';

export const SERVICE_NAME = 'dlq-handler';

/** Everything the DLQ handler reads from its environment, read once at cold start. */
export interface HandlerConfig {
  deadLettersTable: string;
  ordersTable: string;
  /** The stores registry order-consumer owns: the same answer there and here decides `store-not-open`. */
  storesTable: string;
  /** Days an archived dead letter is kept before DynamoDB's TTL deletes it. */
  deadLetterRetentionDays: number;
  /** The embedded DynamoDB on the local stage; undefined on AWS. */
  dynamoEndpoint: string | undefined;
}

const optional = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

export const readConfig = (env: Env = process.env): HandlerConfig => ({
  deadLettersTable: requireEnv('DEAD_LETTERS_TABLE', env),
  ordersTable: requireEnv('ORDERS_TABLE', env),
  storesTable: requireEnv('STORES_TABLE', env),
  deadLetterRetentionDays: intEnv('DEAD_LETTER_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, env),
  dynamoEndpoint: optional(env.AWS_ENDPOINT_URL_DYNAMODB),
});
