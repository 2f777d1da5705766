import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '@order-pipeline/common/logger';
import { storeCacheTtlMs, storesTable, ttlCache } from '@order-pipeline/common/stores';
import { captureAwsClient } from '@order-pipeline/common/tracing';
import type { AuthorizeStoreDeps } from './authorizeStore';
import { readStoresConfig, SERVICE_NAME } from './config';

// Not in sideEffects.ts: the authorizer runs before every request, and that module's imports (the orders
// table, the Order schema, the SQS client) would add ~100 KB to its bundle (README, Known limits).
// Subpath imports for the same reason: the package's index would bring the Order schema.

const endpointOf = (endpoint: string | undefined) => (endpoint === undefined ? {} : { endpoint });

/** The store authorizer: the registry, each key's answer (found or not) cached for storeCacheTtlMs(). */
export const authorizeStoreSideEffects = (): AuthorizeStoreDeps => {
  const config = readStoresConfig();
  const stores = storesTable(
    DynamoDBDocumentClient.from(captureAwsClient(new DynamoDBClient(endpointOf(config.dynamoEndpoint)))),
    config.tableName,
  );
  return {
    // A closed store or a retired key takes effect within the cache's time.
    findStore: ttlCache((apiKey: string) => stores.findByApiKey(apiKey), { ttlMs: storeCacheTtlMs() }),
    logger: createLogger(SERVICE_NAME),
  };
};
