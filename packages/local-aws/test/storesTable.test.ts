import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashApiKey, STORE_STATUS, type StoresTable, storesTable } from '@order-pipeline/common';
import { aStore } from '@order-pipeline/common/testing';
import { type LocalAws, startLocalAws } from '../src';

const AT = new Date('2026-11-23T08:00:00.000Z');

describe('storesTable() (dynalite, the table created from order-consumer’s CloudFormation)', () => {
  let local: LocalAws;
  let stores: StoresTable;

  beforeAll(async () => {
    // No seeding: this suite decides every store the table holds.
    local = await startLocalAws({ services: ['order-consumer'], seedStores: false });
    const documents = DynamoDBDocumentClient.from(local.dynamo);
    stores = storesTable(documents, local.tables.StoresTable ?? 'missing');
  }, 60_000);

  afterAll(() => local?.stop());

  it('adds a store once: a second add of the same storeId changes nothing', async () => {
    const first = aStore({ storeId: 101, name: 'First' });

    const results = [await stores.add(first), await stores.add({ ...first, name: 'Second' })];

    expect(results).toEqual(['added', 'exists']);
    expect(await stores.get(101)).toEqual(first);
  });

  it('finds a store by the value of its API key, and nothing for an unknown key', async () => {
    const store = aStore({ storeId: 102, apiKey: 'key-of-store-102-abcdefghij' });
    await stores.add(store);

    expect(await stores.findByApiKey('key-of-store-102-abcdefghij')).toEqual(store);
    expect(await stores.findByApiKey('key-of-nobody-0123456789')).toBeUndefined();
  });

  it('closes and opens a store that exists, and answers undefined for one that does not', async () => {
    await stores.add(aStore({ storeId: 103 }));

    const closed = await stores.setStatus(103, STORE_STATUS.closed, AT);
    const reopened = await stores.setStatus(103, STORE_STATUS.open, AT);
    const missing = await stores.setStatus(999, STORE_STATUS.closed, AT);

    expect(closed).toEqual(expect.objectContaining({ status: 'closed', updatedAt: AT.toISOString() }));
    expect(reopened?.status).toBe('open');
    expect(missing).toBeUndefined();
    expect(await stores.get(999)).toBeUndefined();
  });

  it('replaces a key: the old value no longer finds the store, the new one does', async () => {
    await stores.add(aStore({ storeId: 104, apiKey: 'old-key-of-store-104-abcdef' }));

    const record = await stores.replaceKey(
      104,
      { apiKeyId: 'key-id-104-b', apiKeyHash: hashApiKey('new-key-of-store-104-abcdef') },
      AT,
    );

    expect(record?.apiKeyId).toBe('key-id-104-b');
    expect(await stores.findByApiKey('old-key-of-store-104-abcdef')).toBeUndefined();
    expect((await stores.findByApiKey('new-key-of-store-104-abcdef'))?.storeId).toBe(104);
    expect(await stores.replaceKey(998, { apiKeyId: 'x', apiKeyHash: 'y' }, AT)).toBeUndefined();
  });

  it('refuses to name a store when two stores hold the same key', async () => {
    await stores.add(aStore({ storeId: 105, apiKey: 'shared-key-abcdefghijklmnop' }));
    await stores.add(aStore({ storeId: 106, apiKey: 'shared-key-abcdefghijklmnop' }));

    expect(await stores.findByApiKey('shared-key-abcdefghijklmnop')).toBeUndefined();
  });

  it('lists every store by storeId', async () => {
    const ids = (await stores.list()).map((record) => record.storeId);

    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toEqual(expect.arrayContaining([101, 102, 103, 104, 105, 106]));
  });
});
