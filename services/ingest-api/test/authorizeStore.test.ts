import { aStore } from '@order-pipeline/common/testing';
import { authorizeStore } from '../src/authorizeStore';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/orders';
const KEY_7 = 'key-of-store-7-0123456789';

const setup = (...stores: ReturnType<typeof aStore>[]) => {
  const lookups: string[] = [];
  const lines: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const deps = {
    findStore: async (apiKey: string) => {
      lookups.push(apiKey);
      return stores.find((store) => store === keyed.get(apiKey));
    },
    logger: {
      info: (message: string, fields: Record<string, unknown>) => lines.push({ message, fields }),
      error: (message: string, fields: Record<string, unknown>) => lines.push({ message, fields }),
    },
  };
  const keyed = new Map<string, ReturnType<typeof aStore>>();
  return { deps, lookups, lines, keyed };
};

const event = (headers: Record<string, string> | null) => ({ headers, methodArn: METHOD_ARN });

describe('authorizeStore()', () => {
  it("allows a known key, naming its store and status, and hands the key to API Gateway's usage plans", async () => {
    const store = aStore({ storeId: 7, apiKey: KEY_7 });
    const { deps, keyed } = setup(store);
    keyed.set(KEY_7, store);

    const result = await authorizeStore(event({ 'X-Api-Key': KEY_7 }), deps);

    expect(result).toEqual({
      principalId: 'store-7',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }],
      },
      usageIdentifierKey: KEY_7,
      context: { storeId: '7', storeStatus: 'open' },
    });
  });

  it('identifies a closed store too (its POSTs are refused by the functions, its GETs answered)', async () => {
    const store = aStore({ storeId: 9, status: 'closed', apiKey: KEY_7 });
    const { deps, keyed } = setup(store);
    keyed.set(KEY_7, store);

    const result = await authorizeStore(event({ 'x-api-key': KEY_7 }), deps);

    expect(result.context).toEqual({ storeId: '9', storeStatus: 'closed' });
  });

  it.each([
    ['no headers at all', null],
    ['no x-api-key header', { 'content-type': 'application/json' }],
    ['a key the registry does not know', { 'x-api-key': 'key-of-nobody-0123456789' }],
  ])('denies a request with %s (API Gateway answers 403)', async (_label, headers) => {
    const { deps } = setup();

    const result = await authorizeStore(event(headers), deps);

    expect(result.principalId).toBe('anonymous');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: METHOD_ARN },
    ]);
    expect(result).not.toHaveProperty('context');
  });

  it('denies, without reading the registry, a value that cannot be an API key', async () => {
    const { deps, lookups } = setup();

    const result = await authorizeStore(event({ 'x-api-key': 'short' }), deps);

    expect(result.policyDocument.Statement[0]).toEqual(expect.objectContaining({ Effect: 'Deny' }));
    expect(lookups).toEqual([]);
  });

  it('fails, and logs why, when the registry cannot be read', async () => {
    const { deps, lines } = setup();
    deps.findStore = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));

    await expect(authorizeStore(event({ 'x-api-key': KEY_7 }), deps)).rejects.toThrow('Provisioned');
    expect(lines.map((line) => line.message)).toEqual(['the stores registry could not be read']);
  });
});
