import { randomBytes } from 'node:crypto';
import { TraceHeaderError } from '../errors';

// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
const ROOT_PATTERN = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const PARENT_PATTERN = /^[0-9a-f]{16}$/;
const SAMPLED_VALUES = ['0', '1', '?'] as const;
type Sampled = (typeof SAMPLED_VALUES)[number];

export interface TraceHeader {
  root: string;
  parent?: string;
  sampled?: Sampled;
}

const MAX_HEADER_LENGTH = 256;
/** `Root=...;Parent=...;Sampled=...` in this order, each valid, Parent and Sampled optional. */
const CANONICAL = /^Root=(1-[0-9a-f]{8}-[0-9a-f]{24})(?:;Parent=([0-9a-f]{16}))?(?:;Sampled=([01?]))?$/;

/**
 * Parses `Root=...;Parent=...;Sampled=...`. Unknown keys (Lambda adds `Lineage`) are dropped, as they
 * are not part of what this project forwards. Throws TraceHeaderError on anything malformed.
 */
export const parseTraceHeader = (header: string): TraceHeader => {
  // The shape every producer here and Lambda's SQS integration send, read with one regex: it is parsed
  // once or twice per record on the consumer's hot path. Anything else takes the general parser below.
  const canonical = CANONICAL.exec(header);
  if (canonical !== null) {
    const [, root = '', parent, sampled] = canonical;
    const parsed: TraceHeader = { root };
    if (parent !== undefined) parsed.parent = parent;
    if (sampled !== undefined) parsed.sampled = sampled as Sampled;
    return parsed;
  }
  if (header.length > MAX_HEADER_LENGTH) throw new TraceHeaderError('trace header is too long', header);
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const separator = trimmed.indexOf('=');
    if (separator <= 0) throw new TraceHeaderError(`malformed trace header field "${trimmed}"`, header);
    const key = trimmed.slice(0, separator);
    if (fields.has(key)) throw new TraceHeaderError(`trace header repeats "${key}"`, header);
    fields.set(key, trimmed.slice(separator + 1));
  }
  const root = fields.get('Root');
  if (root === undefined || !ROOT_PATTERN.test(root)) {
    throw new TraceHeaderError('trace header needs Root=1-<8 hex>-<24 hex>', header);
  }
  const parsed: TraceHeader = { root };
  const parent = fields.get('Parent');
  if (parent !== undefined) {
    if (!PARENT_PATTERN.test(parent)) throw new TraceHeaderError('Parent must be 16 hex digits', header);
    parsed.parent = parent;
  }
  const sampled = fields.get('Sampled');
  if (sampled !== undefined) {
    if (!(SAMPLED_VALUES as readonly string[]).includes(sampled)) {
      throw new TraceHeaderError('Sampled must be 0, 1 or ?', header);
    }
    parsed.sampled = sampled as Sampled;
  }
  return parsed;
};

/** Like parseTraceHeader, but answers undefined for an absent or malformed header. */
export const tryParseTraceHeader = (header: string | undefined): TraceHeader | undefined => {
  if (header === undefined) return undefined;
  try {
    return parseTraceHeader(header);
  } catch {
    return undefined;
  }
};

/** Formats a header after validating it, so that a malformed one is never forwarded. */
export const formatTraceHeader = (header: TraceHeader): string => {
  const parts = [`Root=${header.root}`];
  if (header.parent !== undefined) parts.push(`Parent=${header.parent}`);
  if (header.sampled !== undefined) parts.push(`Sampled=${header.sampled}`);
  const formatted = parts.join(';');
  parseTraceHeader(formatted);
  return formatted;
};

/** A new X-Ray trace id: version 1, the epoch second in hex, 96 random bits. */
export const newTraceId = (now: Date = new Date()): string =>
  `1-${Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, '0')}-${randomBytes(12).toString('hex')}`;

/** A new 64-bit segment id. */
export const newSegmentId = (): string => randomBytes(8).toString('hex');
