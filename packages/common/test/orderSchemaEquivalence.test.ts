import { z } from 'zod';
import { ORDER_ID_PATTERN, orderRequestSchema, orderSchema } from '../src/order';
import { anOrder, type Random, seeded } from '../src/testing';

// The oracle: the Order schema as it was written with classic zod before the move to zod/mini (with
// the strict-input refinements added since), kept here only, to prove that the zod/mini schema accepts, refuses and reports exactly alike.
const ORDER_ID_PATTERN_ORACLE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

// Free text must be well-formed Unicode (no lone surrogates, which SQS refuses) without control
// characters: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => value.isWellFormed(), 'must be well-formed Unicode')
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters');
const INVISIBLE = /[\p{Cf}\p{Z}\p{M}\u115F\u1160\u2800\u3164\uFFA0]/gu;
const nonBlank = (max: number) =>
  text(max)
    .min(1, 'must not be empty')
    .refine(
      (value) => value === '' || value.replace(INVISIBLE, '').length > 0,
      'must contain visible characters',
    );

const addressSchema = z.object({
  line1: nonBlank(200),
  line2: text(200).optional(),
  city: nonBlank(100),
  postalCode: nonBlank(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "DE"'),
});

const customerSchema = z.object({
  name: nonBlank(200),
  email: z.email().max(254),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{5,24}$/, 'must be a phone number')
    .refine(
      (value) => (value.match(/[0-9]/g) ?? []).length >= 4,
      'must be a phone number (at least 4 digits)',
    )
    .optional(),
  address: addressSchema,
});

const orderItemSchema = z.object({
  sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . -'),
  quantity: z.number().int().min(1).max(10_000),
  /** Minor units (cents) to keep money out of floating point. */
  unitPriceCents: z.number().int().min(0).max(100_000_000),
});

const orderFields = {
  orderId: z
    .string()
    .regex(ORDER_ID_PATTERN_ORACLE, 'must be 1-64 letters, digits, _ or -, starting alphanumeric'),
  storeId: z.number().int().positive().max(999_999_999),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"'),
  customer: customerSchema,
  items: z.array(orderItemSchema).min(1, 'must hold at least one item').max(100),
  createdAt: z.iso.datetime({ offset: true }),
};

/** An order as it travels on the queue (schema `order.v1`): every field present. */
const oracleOrder = z.object(orderFields);

/** An order as a store submits it: ingest assigns `orderId` and `createdAt` when absent. */
const oracleRequest = z.object({
  ...orderFields,
  orderId: orderFields.orderId.optional(),
  createdAt: orderFields.createdAt.optional(),
});

const STRINGS = [
  '',
  ' ',
  '  padded  ',
  'Ada',
  'a'.repeat(64),
  'a'.repeat(65),
  'x'.repeat(201),
  'x'.repeat(255),
  'line\nbreak',
  'tab\there',
  '\u0000',
  '\u007f',
  '\u0085',
  'lone \ud800 surrogate',
  '\udc00',
  '😀 emoji',
  'Zoë Ünïcödé',
  'ada@example.com',
  'not-an-email',
  'a@b',
  `${'e'.repeat(250)}@x.io`,
  'DE',
  'de',
  'DEU',
  'EUR',
  'eur',
  'TEA-001',
  '-bad-start',
  'ord_1',
  'ord 1',
  '+44 20 7946 0000',
  '((((((((',
  '(1) 2-3',
  '\u200b\u200b',
  '\u3164',
  'a\u0301',
  '(030) 123-45',
  '12',
  'phone',
  '2026-11-22T10:00:00.000Z',
  '2026-11-22T10:00:00+02:00',
  '2026-11-22T10:00:00',
  '2026-11-22',
  '2026-13-40T25:61:00Z',
  '1',
  '7',
];
const NUMBERS = [
  0,
  1,
  2,
  7,
  -1,
  1.5,
  0.1,
  10_000,
  10_001,
  100_000_000,
  100_000_001,
  999_999_999,
  1e9,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
];

const randomValue = (g: Random, depth = 0): unknown => {
  switch (g.int(depth > 1 ? 4 : 7)) {
    case 0:
      return g.pick(STRINGS);
    case 1:
      return g.pick(NUMBERS);
    case 2:
      return g.pick([true, false, null, undefined]);
    case 3:
      return `${g.pick(STRINGS)}${g.pick(STRINGS)}`;
    case 4:
      return Array.from({ length: g.int(3) }, () => randomValue(g, depth + 1));
    case 5:
      return { sku: randomValue(g, depth + 1), quantity: randomValue(g, depth + 1) };
    default:
      return Array.from({ length: g.pick([0, 1, 2, 100, 101]) }, () => ({
        sku: 'TEA-001',
        quantity: 1,
        unitPriceCents: 1,
      }));
  }
};

type Json = Record<string, unknown>;
const LEAVES = [
  ['orderId'],
  ['storeId'],
  ['currency'],
  ['customer'],
  ['customer', 'name'],
  ['customer', 'email'],
  ['customer', 'phone'],
  ['customer', 'address'],
  ['customer', 'address', 'line1'],
  ['customer', 'address', 'line2'],
  ['customer', 'address', 'city'],
  ['customer', 'address', 'postalCode'],
  ['customer', 'address', 'country'],
  ['customer', 'extra'],
  ['items'],
  ['items', '0'],
  ['items', '0', 'sku'],
  ['items', '0', 'quantity'],
  ['items', '0', 'unitPriceCents'],
  ['items', '1', 'quantity'],
  ['createdAt'],
  ['unknownField'],
] as const;

/** A valid order with 0-4 fields replaced by random values, deleted, or set on something that is no object. */
const generatedInput = (g: Random): unknown => {
  if (g.int(50) === 0) return randomValue(g);
  const input = JSON.parse(JSON.stringify(anOrder())) as Json;
  for (let mutation = g.int(5); mutation > 0; mutation--) {
    const path = g.pick(LEAVES);
    let target: unknown = input;
    for (const key of path.slice(0, -1)) target = (target as Json | undefined)?.[key];
    if (typeof target !== 'object' || target === null) continue;
    const last = path[path.length - 1] as string;
    if (g.int(6) === 0) delete (target as Json)[last];
    else (target as Json)[last] = randomValue(g);
  }
  return input;
};

const outcome = (result: {
  success: boolean;
  data?: unknown;
  error?: { issues: readonly z.core.$ZodIssue[] };
}) =>
  result.success
    ? { success: true, data: result.data }
    : {
        success: false,
        issues: result.error?.issues.map(({ code, path, message }) => ({ code, path, message })),
      };

describe('the Order schema on zod/mini', () => {
  const SEED = Number(process.env.ORDER_SCHEMA_SEED ?? 20261125);
  // ORDER_SCHEMA_INPUTS=40000 for a longer run; a failure names the seed's differing input.
  const INPUTS = Number(process.env.ORDER_SCHEMA_INPUTS ?? 5_000);

  it('keeps the order id pattern', () => {
    expect(ORDER_ID_PATTERN.source).toBe(ORDER_ID_PATTERN_ORACLE.source);
  });

  it.each([
    ['orderSchema', orderSchema, oracleOrder],
    ['orderRequestSchema', orderRequestSchema, oracleRequest],
  ] as const)(
    '%s accepts, refuses and reports (code, path, message) exactly as the classic zod schema did, on generated inputs',
    (_name, schema, oracle) => {
      const g = seeded(SEED);
      let accepted = 0;
      for (let index = 0; index < INPUTS; index++) {
        const input = generatedInput(g);
        const expected = outcome(oracle.safeParse(input));
        const actual = outcome(schema.safeParse(input));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          // Fails with the input that differs, not with a count.
          expect({ input, actual }).toEqual({ input, actual: expected });
        }
        if (expected.success) accepted++;
      }
      // The generator reaches both sides of the schema, not only refusals.
      expect(accepted).toBeGreaterThan(INPUTS / 20);
      expect(accepted).toBeLessThan(INPUTS - INPUTS / 20);
    },
  );
});
