import { createHash } from 'node:crypto';
import type { Order } from './order';

/**
 * JSON with every object's keys sorted, so that two orders with the same content have the same text
 * whatever order their fields came in. Arrays keep their order: the order of items is content.
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** Bumped whenever the fields that count change, so that old and new fingerprints never compare equal. */
const FINGERPRINT_VERSION = 'v1';

/**
 * The order's content fingerprint: `v1:` and the SHA-256 of the canonical JSON of the order as the
 * shared schema parsed it (text trimmed), **without `createdAt`**.
 *
 * What a replay must match: a store that retries sends the same order again; when it let ingest assign
 * `createdAt`, the retry gets another timestamp, and the consumer, which sees only the queued order, cannot
 * tell an assigned `createdAt` from a given one. So `createdAt` never counts: two bodies that differ only in
 * it are the same order (the first one's `createdAt` is kept). Everything else counts: `storeId`,
 * `orderId`, `currency`, the customer (name, e-mail, phone, address) and the items in their order.
 * Ingest, the consumer and the DLQ handler compute it from the same parsed `Order`, so they agree.
 */
export const orderFingerprint = (order: Order): string => {
  const { createdAt: _createdAt, ...content } = order;
  return `${FINGERPRINT_VERSION}:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
};
