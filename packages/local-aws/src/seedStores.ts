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
 * The sample store's order, as the README's `curl`, `pnpm start`'s sample, docs/requests.http and the
 * OpenAPI document's example send it: no orderId, no createdAt (the API assigns them).
 */
export const SAMPLE_ORDER = {
  storeId: SAMPLE_STORE_ID,
  currency: 'EUR',
  customer: {
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    address: { line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
  },
  items: [{ sku: 'TEA-001', quantity: 2, unitPriceCents: 450 }],
};

const NAMES = [
  'Camden',
  'Brixton',
  'Borough',
  'Spitalfields',
  'Greenwich',
  'Covent Garden',
  'St James',
  'Hackney',
];

/**
 * The stores every local stack starts with, with fixed keys (never give a deployed stage a fixed key):
 * 1-8 open (`pnpm produce` and the chaos suite spread orders over them), and 9 closed, so that a
 * closed store can be tried at once. Store 7 keeps the development key older clients know.
 */
export const SEED_STORES: readonly (Required<LocalStore> & { apiKeyId: string })[] = [
  ...NAMES.map((name, index) => ({ storeId: index + 1, name, status: STORE_STATUS.open as StoreStatus })),
  { storeId: 9, name: 'Leadenhall (closed)', status: STORE_STATUS.closed as StoreStatus },
].map((store) => ({
  ...store,
  apiKey:
    store.storeId === SAMPLE_STORE_ID
      ? 'local-dev-key-0123456789abcdef'
      : `local-store-${store.storeId}-key-0123456789abcdef`,
  apiKeyId: `local-key-${store.storeId}-seed`,
}));

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
