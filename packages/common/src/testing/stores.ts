import { hashApiKey, STORE_STATUS, type StoreDirectory, type StoreRecord } from '../stores';

/** A registry in which exactly these stores are open (the fake the consumer and DLQ tests pass). */
export const openStores = (...storeIds: number[]): StoreDirectory & { asked: number[] } => {
  const asked: number[] = [];
  return {
    asked,
    isOpen: async (storeId) => {
      asked.push(storeId);
      return storeIds.includes(storeId);
    },
  };
};

/** A store record as the registry holds it; its key's value is `key-<storeId>` unless given. */
export const aStore = (overrides: Partial<StoreRecord> & { apiKey?: string } = {}): StoreRecord => {
  const { apiKey, ...fields } = overrides;
  const storeId = fields.storeId ?? 7;
  return {
    storeId,
    name: `Store ${storeId}`,
    status: STORE_STATUS.open,
    apiKeyId: `key-id-${storeId}`,
    apiKeyHash: hashApiKey(apiKey ?? `key-${storeId}`),
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    ...fields,
  };
};
