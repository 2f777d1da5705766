// The stores registry (order-consumer's `${prefix}-stores` table): the one owner of its item, its key,
// its index and every read and write of it. ingest-api's authorizer finds the calling store by its
// API key; order-consumer and dlq-handler ask whether a store is open; `pnpm stores` manages it.
//
//   storeId (N, HASH) | name | status open|closed | apiKeyId | apiKeyHash (GSI byApiKeyHash) | createdAt | updatedAt
//
// A store is added once (conditional put), opened/closed and re-keyed only while it exists (conditional
// update); it is never deleted, so an order's storeId always names a known store.
import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamoErrors';
import { intEnv } from './env';
import { StoreRecordError } from './errors';

export const STORE_STATUS = { open: 'open', closed: 'closed' } as const;
export type StoreStatus = (typeof STORE_STATUS)[keyof typeof STORE_STATUS];

/** The global secondary index that finds a store by the SHA-256 of its API key value. */
export const STORES_KEY_INDEX = 'byApiKeyHash';

/**
 * How long an execution environment trusts what it read from the registry. Closing a store, or
 * rotating its key, takes effect everywhere within this time, at the cost of one read per store (or
 * key) per environment per period.
 */
export const STORE_CACHE_TTL_MS = 10_000;

/**
 * The cache time of this environment: STORE_CACHE_TTL_SECONDS when set (the end-to-end suite pins
 * the cache to make a stale answer deterministic), else STORE_CACHE_TTL_MS.
 */
export const storeCacheTtlMs = (env: Readonly<Record<string, string | undefined>> = process.env): number =>
  intEnv('STORE_CACHE_TTL_SECONDS', STORE_CACHE_TTL_MS / 1000, env) * 1000;

export interface StoreRecord {
  storeId: number;
  name: string;
  status: StoreStatus;
  /** The identity of the store's API key: API Gateway's key id on AWS, `local-…` on the local stack. */
  apiKeyId: string;
  /** SHA-256 (hex) of the key value: the value itself is never stored. */
  apiKeyHash: string;
  createdAt: string;
  updatedAt: string;
}

const STATUSES: readonly string[] = Object.values(STORE_STATUS);

export const isStoreId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

export const isStoreStatus = (value: unknown): value is StoreStatus => STATUSES.includes(String(value));

/** The registry's key for an API key value. */
export const hashApiKey = (apiKey: string): string =>
  createHash('sha256').update(apiKey, 'utf8').digest('hex');

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Checks an item read from the table; never trusts its shape. */
export const toStoreRecord = (item: Record<string, unknown>): StoreRecord => {
  const { storeId, name, status, apiKeyId, apiKeyHash, createdAt, updatedAt } = item;
  if (
    !isStoreId(storeId) ||
    !text(name) ||
    !isStoreStatus(status) ||
    !text(apiKeyId) ||
    !text(apiKeyHash) ||
    !text(createdAt) ||
    !text(updatedAt)
  ) {
    throw new StoreRecordError(`the stores table holds an item that is not a store: ${String(storeId)}`);
  }
  return { storeId, name, status, apiKeyId, apiKeyHash, createdAt, updatedAt };
};

export interface StoreKey {
  apiKeyId: string;
  apiKeyHash: string;
}

export interface StoresTable {
  /** Strongly consistent. */
  get(storeId: number): Promise<StoreRecord | undefined>;
  /** The store whose key has this value (index reads are eventually consistent: a new key shows within ~1 s). */
  findByApiKey(apiKey: string): Promise<StoreRecord | undefined>;
  /** Every store, by storeId. */
  list(): Promise<StoreRecord[]>;
  /** Adds a store once; `exists` when its storeId is taken (nothing is changed). */
  add(record: StoreRecord): Promise<'added' | 'exists'>;
  /** Opens or closes a store; undefined when there is no such store. */
  setStatus(storeId: number, status: StoreStatus, at: Date): Promise<StoreRecord | undefined>;
  /** Gives the store a new key (the old one no longer finds it); undefined when there is no such store. */
  replaceKey(storeId: number, key: StoreKey, at: Date): Promise<StoreRecord | undefined>;
}

const updated = async (
  documents: DynamoDBDocumentClient,
  command: UpdateCommand,
): Promise<StoreRecord | undefined> => {
  try {
    const { Attributes } = await documents.send(command);
    return Attributes === undefined ? undefined : toStoreRecord(Attributes);
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
};

/** Sets `fields` on an existing store (every name through a placeholder: `status` is a reserved word). */
const updateExisting = (
  documents: DynamoDBDocumentClient,
  tableName: string,
  storeId: number,
  fields: Record<string, unknown>,
): Promise<StoreRecord | undefined> => {
  const names = Object.keys(fields);
  return updated(
    documents,
    new UpdateCommand({
      TableName: tableName,
      Key: { storeId },
      UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(storeId)',
      ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, fields[name]])),
      ReturnValues: 'ALL_NEW',
    }),
  );
};

export const storesTable = (documents: DynamoDBDocumentClient, tableName: string): StoresTable => ({
  async get(storeId) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: { storeId }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : toStoreRecord(Item);
  },

  async findByApiKey(apiKey) {
    const { Items = [] } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: STORES_KEY_INDEX,
        KeyConditionExpression: 'apiKeyHash = :hash',
        ExpressionAttributeValues: { ':hash': hashApiKey(apiKey) },
      }),
    );
    const [item, ...others] = Items;
    // Two stores with one key would make the caller's identity ambiguous: refuse both.
    if (item === undefined || others.length > 0) return undefined;
    return toStoreRecord(item);
  },

  async list() {
    const records: StoreRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      records.push(...(page.Items ?? []).map(toStoreRecord));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return records.sort((a, b) => a.storeId - b.storeId);
  },

  async add(record) {
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...record },
          ConditionExpression: 'attribute_not_exists(storeId)',
        }),
      );
      return 'added';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'exists';
      throw error;
    }
  },

  setStatus(storeId, status, at) {
    return updateExisting(documents, tableName, storeId, { status, updatedAt: at.toISOString() });
  },

  replaceKey(storeId, key, at) {
    return updateExisting(documents, tableName, storeId, {
      apiKeyId: key.apiKeyId,
      apiKeyHash: key.apiKeyHash,
      updatedAt: at.toISOString(),
    });
  },
});

const SWEEP_AT = 1024;

/**
 * Remembers each answer of `load` for `ttlMs` (the pending promise too, so concurrent callers share
 * one read); a failed read is forgotten at once, so that the next caller tries again. Expired
 * entries are swept once it holds SWEEP_AT entries: the authorizer's cache is keyed by
 * whatever key a client sends, so unanswered keys must not pile up for the environment's life.
 */
export const ttlCache = <K, V>(
  load: (key: K) => Promise<V>,
  options: { ttlMs: number; now?: () => number },
): ((key: K) => Promise<V>) => {
  const now = options.now ?? Date.now;
  const entries = new Map<K, { value: Promise<V>; expires: number }>();
  return (key) => {
    const time = now();
    const cached = entries.get(key);
    if (cached !== undefined && cached.expires > time) return cached.value;
    const value = load(key);
    if (entries.size >= SWEEP_AT) {
      for (const [entryKey, entry] of entries) if (entry.expires <= time) entries.delete(entryKey);
    }
    entries.set(key, { value, expires: time + options.ttlMs });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
};

/** What the consumer and the DLQ handler ask of the registry. */
export interface StoreDirectory {
  /** True when the store exists and is open; an unknown store is not open. */
  isOpen(storeId: number): Promise<boolean>;
}

/** The registry as the consumer and the DLQ handler see it, cached for STORE_CACHE_TTL_MS per environment. */
export const storeDirectory = (
  stores: Pick<StoresTable, 'get'>,
  options: { ttlMs?: number; now?: () => number } = {},
): StoreDirectory => {
  const status = ttlCache(async (storeId: number) => (await stores.get(storeId))?.status, {
    ttlMs: options.ttlMs ?? storeCacheTtlMs(),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return {
    async isOpen(storeId) {
      return (await status(storeId)) === STORE_STATUS.open;
    },
  };
};
