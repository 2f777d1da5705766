// zod/mini: the same checks and messages as classic zod without its method chains and all its
// locales, which made zod the largest part of every bundle (test/orderSchemaEquivalence.test.ts
// proves the behaviour unchanged on generated inputs).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.cjs';
import { type FieldIssue, OrderValidationError } from './errors';
import { ORDER_ID_PATTERN } from './orderContract';

export { ORDER_CONTENT_TYPE, ORDER_ID_PATTERN } from './orderContract';

import { maskText } from './redaction';

// Classic zod loads its English messages on import; zod/mini leaves the choice to the caller.
z.config(en());

// Free text must be well-formed Unicode (no lone surrogates, which SQS refuses) without control
// characters: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const textChecks = (max: number) =>
  [
    z.trim(),
    z.maxLength(max),
    z.refine<string>((value) => value.isWellFormed(), 'must be well-formed Unicode'),
    z.refine<string>((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters'),
  ] as const;
const text = (max: number) => z.string().check(...textChecks(max));
/**
 * What a reader cannot see: format characters (zero-width space and joiners, BOM, bidi marks: \p{Cf}),
 * separators of any width (\p{Z}), combining marks with nothing to combine with (\p{M}), and the fillers
 * fonts draw as blank (Hangul fillers, braille blank; Khmer inherent vowels and Mongolian and variation
 * selectors are marks).
 */
const INVISIBLE = /[\p{Cf}\p{Z}\p{M}\u115F\u1160\u2800\u3164\uFFA0]/gu;
const nonBlank = (max: number) =>
  z.string().check(
    ...textChecks(max),
    z.minLength(1, 'must not be empty'),
    z.refine<string>(
      (value) => value === '' || value.replace(INVISIBLE, '').length > 0,
      'must contain visible characters',
    ),
  );
const pattern = (regex: RegExp, message: string) => z.string().check(z.regex(regex, message));
const integer = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

export const addressSchema = z.object({
  line1: nonBlank(200),
  line2: z.optional(text(200)),
  city: nonBlank(100),
  postalCode: nonBlank(20),
  country: pattern(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "DE"'),
});

export const customerSchema = z.object({
  name: nonBlank(200),
  email: z.email().check(z.maxLength(254)),
  phone: z.optional(
    z.string().check(
      z.regex(/^\+?[0-9 ()-]{5,24}$/, 'must be a phone number'),
      z.refine<string>(
        (value) => (value.match(/[0-9]/g) ?? []).length >= 4,
        'must be a phone number (at least 4 digits)',
      ),
    ),
  ),
  address: addressSchema,
});

export const orderItemSchema = z.object({
  sku: pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . -'),
  quantity: integer(1, 10_000),
  /** Minor units (cents) to keep money out of floating point. */
  unitPriceCents: integer(0, 100_000_000),
});

const orderId = pattern(ORDER_ID_PATTERN, 'must be 1-64 letters, digits, _ or -, starting alphanumeric');
const createdAt = z.iso.datetime({ offset: true });
const orderFields = {
  orderId,
  storeId: z.number().check(z.int(), z.positive(), z.maximum(999_999_999)),
  currency: pattern(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"'),
  customer: customerSchema,
  items: z.array(orderItemSchema).check(z.minLength(1, 'must hold at least one item'), z.maxLength(100)),
  createdAt,
};

/** An order as it travels on the queue (schema `order.v1`): every field present. */
export const orderSchema = z.object(orderFields);
export type Order = z.infer<typeof orderSchema>;

/** An order as a store submits it: ingest assigns `orderId` and `createdAt` when absent. */
export const orderRequestSchema = z.object({
  ...orderFields,
  orderId: z.optional(orderId),
  createdAt: z.optional(createdAt),
});
export type OrderRequest = z.infer<typeof orderRequestSchema>;

// Issues reach 400 bodies, logs and dead letters: masked, so that a message naming an input (an
// unrecognised key, a record key) never echoes personal data.
const toIssues = (error: z.core.$ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: maskText(issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')),
    message: maskText(issue.message),
  }));

const parseWith =
  <T>(schema: z.ZodMiniType<T>) =>
  (input: unknown): T => {
    const result = schema.safeParse(input);
    if (!result.success) throw new OrderValidationError(toIssues(result.error));
    return result.data;
  };

/** Returns the typed order, or throws an OrderValidationError naming every offending field. */
export const parseOrder: (input: unknown) => Order = parseWith(orderSchema);
export const parseOrderRequest: (input: unknown) => OrderRequest = parseWith(orderRequestSchema);
