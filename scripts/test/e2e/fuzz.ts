import { orderRequestSchema } from '@order-pipeline/common';
import { anOrderRequest, type Random, seeded } from '@order-pipeline/common/testing';

export interface FuzzRequest {
  kind: string;
  path: '/orders' | '/orders/batch';
  headers: Record<string, string>;
  body: string | Uint8Array;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const valid = () => JSON.stringify(anOrderRequest());

// Paths into an order request, and values of the wrong type for any of them.
const FIELD_PATHS = [
  ['storeId'],
  ['currency'],
  ['customer'],
  ['customer', 'name'],
  ['customer', 'email'],
  ['customer', 'address'],
  ['customer', 'address', 'country'],
  ['items'],
  ['items', 0, 'sku'],
  ['items', 0, 'quantity'],
  ['items', 0, 'unitPriceCents'],
  ['orderId'],
  ['createdAt'],
] as const;
const WRONG_VALUES: unknown[] = [null, true, -1, 1.5, 'x', '', [], {}, [1, 2], { $gt: '' }, 1e300, -0, 'NaN'];

const setPath = (target: Record<string, unknown>, path: readonly (string | number)[], value: unknown) => {
  let node: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
};

const generators: Record<string, (random: Random) => FuzzRequest> = {
  'broken JSON': (random) => {
    const text = valid();
    const cut = 1 + random.int(text.length - 2);
    const variants = [
      text.slice(0, cut),
      `${text.slice(0, cut)}}}`,
      text.replace(':', ''),
      `${text},`,
      `'${text}'`,
    ];
    return { kind: 'broken JSON', path: '/orders', headers: JSON_HEADERS, body: random.pick(variants) };
  },
  'wrong types': (random) => {
    // A value that happens to be valid for its field (a sku "x") is no malformed request: draw again.
    for (;;) {
      const order = anOrderRequest() as unknown as Record<string, unknown>;
      setPath(order, random.pick(FIELD_PATHS), random.pick(WRONG_VALUES));
      const body = JSON.stringify(order);
      if (!orderRequestSchema.safeParse(JSON.parse(body)).success) {
        return { kind: 'wrong types', path: '/orders', headers: JSON_HEADERS, body };
      }
    }
  },
  'huge fields': (random) => {
    const order = anOrderRequest() as unknown as Record<string, unknown>;
    const size = random.pick([1_000, 50_000, 300_000]);
    const choice = random.int(3);
    if (choice === 0) setPath(order, ['customer', 'name'], 'A'.repeat(size));
    else if (choice === 1)
      setPath(
        order,
        ['items'],
        Array.from({ length: 101 + random.int(2000) }, () => ({
          sku: 'S-1',
          quantity: 1,
          unitPriceCents: 1,
        })),
      );
    else setPath(order, ['items', 0, 'quantity'], 10 ** (6 + random.int(300)));
    return { kind: 'huge fields', path: '/orders', headers: JSON_HEADERS, body: JSON.stringify(order) };
  },
  'bad unicode': (random) => {
    const text = valid();
    const variants: Array<string | Uint8Array> = [
      text.replace('Ada', '\\ud800'),
      text.replace('Ada', '\\udfff\\ud800'),
      text.replace('Ada', '\\u0000'),
      text.replace('Ada', '\\u001b[31m'),
      Buffer.concat([
        Buffer.from(text.slice(0, 20)),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from(text.slice(20)),
      ]),
      Buffer.from([0xef, 0xbb, 0xbf, 0xff, ...Buffer.from('{}')]),
    ];
    return { kind: 'bad unicode', path: '/orders', headers: JSON_HEADERS, body: random.pick(variants) };
  },
  'oversize bodies': (random) => ({
    kind: 'oversize bodies',
    path: random.pick(['/orders', '/orders/batch'] as const),
    headers: JSON_HEADERS,
    body: JSON.stringify({ ...anOrderRequest(), padding: 'x'.repeat(210_000 + random.int(200_000)) }),
  }),
  'bad headers': (random) => {
    const variants: Array<Record<string, string>> = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/xml' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-type': 'application/json', 'x-correlation-id': 'has spaces in it' },
      { 'content-type': 'application/json', 'x-correlation-id': 'x'.repeat(129) },
      { 'content-type': 'application/json', 'x-correlation-id': 'semi;colon' },
      { 'content-type': 'application/jsonx' },
    ];
    return { kind: 'bad headers', path: '/orders', headers: random.pick(variants), body: valid() };
  },
  'bad batches': (random) => {
    const variants: unknown[] = [
      [],
      { orders: [] },
      { orders: {} },
      { orders: 'x' },
      { orders: Array.from({ length: 101 + random.int(50) }, () => anOrderRequest()) },
      { orders: [anOrderRequest({ storeId: -1 })] },
      { order: [anOrderRequest()] },
      null,
    ];
    return {
      kind: 'bad batches',
      path: '/orders/batch',
      headers: JSON_HEADERS,
      body: JSON.stringify(random.pick(variants)),
    };
  },
};

/** `count` malformed requests, spread over every kind, reproducible from `seed`. */
export const malformedRequests = (count: number, seed: number): FuzzRequest[] => {
  const random = seeded(seed);
  const kinds = Object.values(generators);
  return Array.from({ length: count }, (_, index) =>
    (kinds[index % kinds.length] as (r: Random) => FuzzRequest)(random),
  );
};
