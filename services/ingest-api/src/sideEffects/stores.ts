import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { storeCacheTtlMs, storesTable, ttlCache } from '@order-pipeline/common/stores';
import { captureAwsClient } from '@order-pipeline/common/tracing';
import { readStoresEnv } from '../env';

const env = readStoresEnv();

const stores = storesTable(
  DynamoDBDocumentClient.from(
    captureAwsClient(new DynamoDBClient(env.dynamoEndpoint ? { endpoint: env.dynamoEndpoint } : {})),
  ),
  env.tableName,
);

// Built once per cold start; each key's answer (found or not) is trusted for storeCacheTtlMs(), so a
// closed store or a retired key takes effect within that time.
export const findStore = ttlCache((apiKey: string) => stores.findByApiKey(apiKey), {
  ttlMs: storeCacheTtlMs(),
});
