import { intEnv, intListEnv, requireEnv } from '@order-pipeline/common';
import { DEFAULT_RETENTION_DAYS } from './deadLetterTable';

type Env = Readonly<Record<string, string | undefined>>;

/** Everything the DLQ handler reads from its environment, read once at cold start. */
export interface HandlerConfig {
  deadLettersTable: string;
  ordersTable: string;
  /** Stores accepting orders: the same list as order-consumer's, so that classes agree. */
  openStoreIds: ReadonlySet<number>;
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
  openStoreIds: new Set(intListEnv('OPEN_STORE_IDS', env)),
  deadLetterRetentionDays: intEnv('DEAD_LETTER_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, env),
  dynamoEndpoint: optional(env.AWS_ENDPOINT_URL_DYNAMODB),
});
