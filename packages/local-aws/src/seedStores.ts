import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashApiKey, STORE_STATUS, type StoreStatus, storesTable } from '@order-pipeline/common';

/** A store of the local stack as `.local/stack.json` lists it (`stores`). */
export interface LocalStore {
  storeId: number;
  name: string;
  status: StoreStatus;
  /** The fixed key of a seeded store; absent once `pnpm stores rotate-key` replaced it. */
  apiKey?: string;
}

/** The store the README's samples use; its key is the stack file's `apiKey` (kept for older clients). */
export const SAMPLE_STORE_ID = 7;

/**
 * The stores every local stack starts with, with fixed keys (never give a deployed stage a fixed key):
 * four open, and store 9 closed, so that a closed store can be tried at once.
 */
export const SEED_STORES: readonly (Required<LocalStore> & { apiKeyId: string })[] = [
  {
    storeId: 1,
    name: 'Camden Market',
    status: STORE_STATUS.open,
    apiKey: 'local-store-1-key-0123456789abcdef',
  },
  {
    storeId: 2,
    name: 'Brixton Village',
    status: STORE_STATUS.open,
    apiKey: 'local-store-2-key-0123456789abcdef',
  },
  {
    storeId: 7,
    name: 'St James Square',
    status: STORE_STATUS.open,
    apiKey: 'local-dev-key-0123456789abcdef',
  },
  {
    storeId: 8,
    name: 'Borough Market',
    status: STORE_STATUS.open,
    apiKey: 'local-store-8-key-0123456789abcdef',
  },
  {
    storeId: 9,
    name: 'Leadenhall (closed)',
    status: STORE_STATUS.closed,
    apiKey: 'local-store-9-key-0123456789abcdef',
  },
].map((store) => ({ ...store, apiKeyId: `local-key-${store.storeId}-seed` }));

/**
 * Adds the seed stores that the registry does not hold yet (a conditional put each), so that a
 * restart over persisted state keeps what `pnpm stores` changed; answers the seed stores as the
 * registry now holds them, with the fixed key where it is still theirs.
 */
export const seedStores = async (
  dynamo: DynamoDBClient,
  tableName: string,
  now: Date = new Date(),
): Promise<LocalStore[]> => {
  const stores = storesTable(DynamoDBDocumentClient.from(dynamo), tableName);
  const at = now.toISOString();
  const seeded: LocalStore[] = [];
  for (const { apiKey, ...seed } of SEED_STORES) {
    const apiKeyHash = hashApiKey(apiKey);
    await stores.add({ ...seed, apiKeyHash, createdAt: at, updatedAt: at });
    const current = await stores.get(seed.storeId);
    if (current === undefined) throw new Error(`store ${seed.storeId} was not seeded in ${tableName}`);
    seeded.push({
      storeId: current.storeId,
      name: current.name,
      status: current.status,
      ...(current.apiKeyHash === apiKeyHash ? { apiKey } : {}),
    });
  }
  return seeded;
};
