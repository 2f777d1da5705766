import { assertOrdersFor, assertStoreOpen, callerStore } from '../src/caller';
import { CallerIdentityError, RequestError } from '../src/errors';
import { restApiEvent } from './factories';

describe('callerStore()', () => {
  it('reads the store the authorizer found (its context values arrive as strings)', () => {
    expect(callerStore(restApiEvent({ store: { storeId: 8, status: 'closed' } }))).toEqual({
      storeId: 8,
      status: 'closed',
    });
  });

  it('fails as a server error when the route has no store authorizer', () => {
    expect(() => callerStore(restApiEvent({ store: null }))).toThrow(CallerIdentityError);
  });

  it("refuses serverless-offline's header that would replace the authorizer's answer", () => {
    const event = restApiEvent({
      headers: { 'Sls-Offline-Authorizer-Override': '{"storeId":"8","storeStatus":"open"}' },
    });

    expect(() => callerStore(event)).toThrow(
      expect.objectContaining({ status: 403, code: 'identity-override' }) as unknown as Error,
    );
  });
});

describe('assertStoreOpen()', () => {
  it('lets an open store through and refuses a closed one with 403 store-closed', () => {
    expect(() => assertStoreOpen({ storeId: 7, status: 'open' })).not.toThrow();
    expect(() => assertStoreOpen({ storeId: 9, status: 'closed' })).toThrow(
      expect.objectContaining({ status: 403, code: 'store-closed' }) as unknown as Error,
    );
  });
});

describe('assertOrdersFor()', () => {
  const caller = { storeId: 7, status: 'open' } as const;
  const path = (index: number) => `orders.${index}.storeId`;

  it("accepts orders of the caller's store, and leaves orders that name no store to the schema (400)", () => {
    expect(() =>
      assertOrdersFor(caller, [{ storeId: 7 }, {}, 'not an order', { storeId: '8' }, { storeId: -8 }], path),
    ).not.toThrow();
  });

  it('refuses the whole request with 403 store-mismatch, naming every foreign order', () => {
    let refused: unknown;
    try {
      assertOrdersFor(caller, [{ storeId: 7 }, { storeId: 8 }, { storeId: 7 }, { storeId: 12 }], path);
    } catch (error) {
      refused = error;
    }

    expect(refused).toBeInstanceOf(RequestError);
    expect(refused).toEqual(
      expect.objectContaining({
        status: 403,
        code: 'store-mismatch',
        issues: [
          { path: 'orders.1.storeId', message: "must be 7, the key's store" },
          { path: 'orders.3.storeId', message: "must be 7, the key's store" },
        ],
      }),
    );
  });
});
