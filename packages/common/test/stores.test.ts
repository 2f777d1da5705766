import {
  hashApiKey,
  STORE_STATUS,
  StoreRecordError,
  storeCacheTtlMs,
  storeDirectory,
  toStoreRecord,
  ttlCache,
} from '../src';
import { aStore } from '../src/testing';

describe('hashApiKey()', () => {
  it('answers the SHA-256 of the key value in hex, never the value', () => {
    const hash = hashApiKey('local-dev-key-0123456789abcdef');

    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiKey('local-dev-key-0123456789abcdef'));
    expect(hash).not.toBe(hashApiKey('local-dev-key-0123456789abcdeF'));
  });
});

describe('toStoreRecord()', () => {
  it('accepts a store record', () => {
    expect(toStoreRecord({ ...aStore() })).toEqual(aStore());
  });

  it.each([
    ['a storeId that is not a positive integer', { storeId: '7' }],
    ['an unknown status', { status: 'paused' }],
    ['no key identity', { apiKeyId: '' }],
    ['no key hash', { apiKeyHash: undefined }],
  ])('refuses an item with %s', (_label, change) => {
    expect(() => toStoreRecord({ ...aStore(), ...change })).toThrow(StoreRecordError);
  });
});

describe('ttlCache()', () => {
  it('reads a key once within the time to live, and again after it', async () => {
    let time = 0;
    const reads: string[] = [];
    const cached = ttlCache(
      async (key: string) => {
        reads.push(key);
        return reads.length;
      },
      { ttlMs: 1000, now: () => time },
    );

    const answers = [await cached('a'), await cached('a')];
    time = 999;
    answers.push(await cached('a'));
    time = 1000;
    answers.push(await cached('a'));

    expect(answers).toEqual([1, 1, 1, 2]);
    expect(reads).toEqual(['a', 'a']);
  });

  it('shares one pending read between concurrent callers', async () => {
    let reads = 0;
    const cached = ttlCache(async () => ++reads, { ttlMs: 1000 });

    const answers = await Promise.all([cached('a'), cached('a'), cached('b')]);

    expect(answers.sort()).toEqual([1, 1, 2]);
  });

  it('forgets a failed read, so that the next caller tries again', async () => {
    let calls = 0;
    const cached = ttlCache(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('throttled');
        return 'ok';
      },
      { ttlMs: 60_000 },
    );

    await expect(cached('a')).rejects.toThrow('throttled');
    await expect(cached('a')).resolves.toBe('ok');
  });
});

describe('storeDirectory()', () => {
  const registry = (...records: ReturnType<typeof aStore>[]) => {
    const gets: number[] = [];
    return {
      gets,
      get: async (storeId: number) => {
        gets.push(storeId);
        return records.find((record) => record.storeId === storeId);
      },
    };
  };

  it('answers open only for a store that exists and is open', async () => {
    const directory = storeDirectory(
      registry(aStore({ storeId: 1 }), aStore({ storeId: 9, status: STORE_STATUS.closed })),
    );

    expect([await directory.isOpen(1), await directory.isOpen(9), await directory.isOpen(42)]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('sees a store closed once the cached answer expires', async () => {
    let time = 0;
    const record = aStore({ storeId: 1 });
    const stores = registry(record);
    const directory = storeDirectory(stores, { ttlMs: 10_000, now: () => time });

    const before = await directory.isOpen(1);
    record.status = STORE_STATUS.closed;
    const cached = await directory.isOpen(1);
    time = 10_000;
    const after = await directory.isOpen(1);

    expect([before, cached, after]).toEqual([true, true, false]);
    expect(stores.gets).toEqual([1, 1]);
  });
});

describe('storeCacheTtlMs()', () => {
  it('is 10 s unless STORE_CACHE_TTL_SECONDS says otherwise', () => {
    expect(storeCacheTtlMs({})).toBe(10_000);
    expect(storeCacheTtlMs({ STORE_CACHE_TTL_SECONDS: '3600' })).toBe(3_600_000);
    expect(() => storeCacheTtlMs({ STORE_CACHE_TTL_SECONDS: 'soon' })).toThrow('STORE_CACHE_TTL_SECONDS');
  });
});
