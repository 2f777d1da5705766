/**
 * The one redaction module: everything that leaves a process as text (log lines, trace annotations and
 * metadata, `pnpm dlq`, `pnpm traces`, the local stack's console, error messages) goes through it.
 *
 * Two detectors are combined:
 * - **keys**: a value is personal when its key says so, after normalising case, separators and the
 *   abbreviations legacy producers use (`full_nm`, `ssn_no`, `addr_ln_1`, `zip_cd`, `card_no`, ...), in
 *   context: `name` is an error's, a queue's or a service's name when its key or its parent says so;
 * - **values**, in any string, JSON or not: e-mail addresses, phone numbers in international or
 *   separated national form, dashed US SSNs (and undashed ones after a word such as `SSN`), payment
 *   card numbers (13-19 digits of a card network's prefix passing Luhn, spaces or dashes allowed),
 *   IBANs passing their mod-97 check, dates after a birth-like word, and `key: value` pairs in free
 *   text whose key is personal.
 *
 * Masks keep the shape, so operators can still correlate: `***-**-6789`, `****1111`, `a***@example.com`.
 */

export const MASK = '***';

// ---------------------------------------------------------------------------------------------------
// Keys

/** Abbreviations of legacy producers, expanded per token before a key is judged. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  nm: 'name',
  nme: 'name',
  fname: 'firstname',
  lname: 'lastname',
  fullnm: 'fullname',
  no: 'number',
  num: 'number',
  nbr: 'number',
  nr: 'number',
  dt: 'date',
  ln: 'line',
  cd: 'code',
  addr: 'address',
  adr: 'address',
  tel: 'phone',
  telephone: 'phone',
  mob: 'phone',
  mobile: 'phone',
  cell: 'phone',
  cellphone: 'phone',
  msisdn: 'phone',
  cust: 'customer',
  zip: 'postalcode',
  zipcode: 'postalcode',
  postcode: 'postalcode',
  plz: 'postalcode',
  dob: 'dateofbirth',
  bday: 'dateofbirth',
  birthday: 'dateofbirth',
  mail: 'email',
  pan: 'cardnumber',
  ccn: 'cardnumber',
  ccnum: 'cardnumber',
  acct: 'account',
  tin: 'taxid',
  ssn: 'ssn',
};

export type PersonalKind = 'name' | 'address' | 'email' | 'phone' | 'nationalId' | 'birth' | 'card' | 'bank';

// Checked in order on the normalised key; the first match decides the kind (and so the mask's shape).
const PERSONAL_KEY_RULES: ReadonlyArray<readonly [RegExp, PersonalKind]> = [
  [/email/, 'email'],
  [/phone|fax/, 'phone'],
  [
    /ssn|socialsecurity|national(id|insurance)|nino|taxid|tax(payer)?(number|code)|passport|driver'?s?licen[cs]e|licen[cs]enumber/,
    'nationalId',
  ],
  [/birth/, 'birth'],
  [/card(number|holder)|creditcard|debitcard|^card$|cvv|cvc/, 'card'],
  [/iban|bankaccount|accountnumber|routingnumber|sortcode/, 'bank'],
  [/address|street|postalcode|^(address)?line\d*$|^city(name)?$/, 'address'],
  [/(name|names)$|^surname|^forename/, 'name'],
];

/**
 * A `...name` key is not a person's name when a token of the key (or its parent's key) names a thing:
 * `queueName`, `error.name`, `service_name`, `functionName`, `sku`, ...
 */
const THING_WORDS = [
  'error',
  'err',
  'exception',
  'cause',
  'queue',
  'service',
  'function',
  'lambda',
  'segment',
  'subsegment',
  'span',
  'trace',
  'file',
  'host',
  'table',
  'stage',
  'bucket',
  'topic',
  'event',
  'metric',
  'class',
  'type',
  'app',
  'application',
  'store',
  'shop',
  'merchant',
  'company',
  'business',
  'product',
  'item',
  'sku',
  'operation',
  'route',
  'region',
  'attribute',
  'header',
  'field',
  'param',
  'parameter',
  'tag',
  'job',
  'task',
  'stream',
  'log',
  'key',
  'schema',
  'domain',
  'package',
  'module',
  'brand',
  'category',
  'device',
  'resource',
  'index',
  'cluster',
  'project',
  'role',
  'policy',
  'server',
  'channel',
  'source',
  'target',
  'aws',
  'sqs',
  'dynamodb',
  'stack',
  'output',
  'export',
  'logger',
  'level',
  'method',
  'command',
  'plan',
  'usage',
  'api',
];
const THING = new RegExp(`^(${THING_WORDS.join('|')})s?(name|names)?$`);
const THING_PREFIX = new RegExp(`^(${THING_WORDS.join('|')})s?name`);

const splitKey = (key: string): string[] =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9']+|(?<=[A-Za-z])(?=[0-9])/)
    .filter((token) => token !== '')
    .map((token) => token.toLowerCase());

/** `addr_ln_1` -> `addressline1`, `full_nm` -> `fullname`, `dob` -> `dateofbirth`. */
export const normaliseKey = (key: string): string =>
  splitKey(key)
    .map((token) => ABBREVIATIONS[token] ?? token)
    .join('');

const keyCache = new Map<string, PersonalKind | undefined>();
const KEY_CACHE_LIMIT = 5000;

const kindOfKey = (key: string): PersonalKind | undefined => {
  if (keyCache.has(key)) return keyCache.get(key);
  const normalised = normaliseKey(key);
  let kind = PERSONAL_KEY_RULES.find(([rule]) => rule.test(normalised))?.[1];
  if (kind === 'name' && THING_PREFIX.test(normalised)) kind = undefined;
  if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, kind);
  return kind;
};

/** Whether a parent key names a thing (`error`, `queue`, `items`), so that its `name` is no person's. */
const isThingKey = (key: string | undefined): boolean =>
  key !== undefined && THING.test(normaliseKey(key).replace(/\d+$/, ''));

const ERROR_NAME = /^[A-Z][A-Za-z0-9]*(Error|Exception|Fault)$/;

/** The context a key is judged in: its parent's key, and the object that holds it. */
export interface KeyContext {
  parentKey?: string | undefined;
  holder?: Readonly<Record<string, unknown>> | undefined;
}

// Fields only things have: an object holding one of them is an error, a trace segment, a resource.
const THING_FIELDS = [
  'stack',
  'traceId',
  'trace_id',
  'service',
  'arn',
  'queueUrl',
  'functionName',
  'start_time',
];

const looksLikeThing = (holder: Readonly<Record<string, unknown>> | undefined, value: unknown): boolean =>
  holder !== undefined &&
  (THING_FIELDS.some((field) => typeof holder[field] === 'string') ||
    ((typeof holder.message === 'string' || typeof holder.location === 'string') &&
      typeof value === 'string' &&
      ERROR_NAME.test(value)));

/** The kind of personal data a key holds in its context, or undefined when it holds none. */
export const personalKindOf = (
  key: string,
  context: KeyContext = {},
  value?: unknown,
): PersonalKind | undefined => {
  const kind = kindOfKey(key);
  if (kind !== 'name' || normaliseKey(key) !== 'name') return kind;
  // A bare `name`: an error's, a queue's, a service's, an item's... or a person's.
  if (isThingKey(context.parentKey) || looksLikeThing(context.holder, value)) return undefined;
  return kind;
};

/** Whether the value under `key` is personal data (see personalKindOf for the context). */
export const isPersonalKey = (key: string, context: KeyContext = {}): boolean =>
  personalKindOf(key, context) !== undefined;

// ---------------------------------------------------------------------------------------------------
// Values

const maskDigits = (value: string, keepLast: number): string => {
  let seen = 0;
  const total = (value.match(/[0-9]/g) ?? []).length;
  return value.replace(/[0-9]/g, (digit) => (++seen > total - keepLast ? digit : '*'));
};

const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}${MASK}${email.slice(at)}`;
};

const maskCard = (card: string): string => `****${card.replace(/[^0-9]/g, '').slice(-4)}`;

const maskIban = (iban: string): string => {
  const compact = iban.replace(/\s/g, '');
  return `${compact.slice(0, 2)}**${'*'.repeat(4)}${compact.slice(-4)}`;
};

const maskSsn = (ssn: string): string => maskDigits(ssn, 4);

/** Luhn (ISO/IEC 7812-1) over a string of digits. */
export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
};

// Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro,
// UnionPay): epoch milliseconds (`17...`) and most numeric ids never start so.
const CARD_PREFIX = /^(4|5[0-9]|2[2-7]|3[4-9]|30[0-5]|6[0-9])/;

export const isCardNumber = (candidate: string): boolean => {
  const digits = candidate.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && passesLuhn(digits);
};

/** ISO 13616 mod-97 check of an IBAN (spaces allowed). */
export const isIban = (candidate: string): boolean => {
  const compact = candidate.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : char;
    for (const digit of digits) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
};

/** A valid-looking SSN: area not 000, 666 or 9xx, group not 00, serial not 0000. */
const isSsnShape = (digits: string): boolean =>
  /^[0-9]{9}$/.test(digits) &&
  !/^(000|666|9)/.test(digits) &&
  digits.slice(3, 5) !== '00' &&
  digits.slice(5) !== '0000';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Upper case only, as IBANs are printed: lower-case hex ids (trace, segment ids) never match.
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const CARD = /(?<![A-Za-z0-9*])[0-9](?:[ -]?[0-9]){12,18}(?![A-Za-z0-9])/g;
const DASHED_SSN = /(?<![A-Za-z0-9*-])([0-9]{3})-([0-9]{2})-([0-9]{4})(?![A-Za-z0-9]|-[0-9])/g;
/** International form (`+44 20 7946 0958`), or national with separators (`(415) 555-0123`, `07700 900123`). */
const PHONE =
  /(?<![A-Za-z0-9*+])(?:\+[0-9](?:[ ().-]{0,2}[0-9]){6,14}|\(?[0-9]{3}\)?[ .-][0-9]{3}[ .-][0-9]{4}|0[0-9]{2,4}[ -][0-9]{3,4}[ -]?[0-9]{3,4})(?![A-Za-z0-9])/g;
const DATE = `(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}|[0-9]{8})`;

/** A word that says what follows is personal: `SSN 078051120`, `DOB 1985-04-12`, `mobile 07700900123`. */
const CONTEXT_RULES: ReadonlyArray<readonly [RegExp, (value: string) => string]> = [
  [
    /\b(ssn|social security(?: number| no\.?)?|national id|tax id|tin)(\s*(?:number|no\.?|#)?\s*[:=#]?\s*)([0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4})(?![0-9])/gi,
    maskSsn,
  ],
  [
    new RegExp(
      String.raw`\b(dob|d\.o\.b\.|date of birth|birth ?date|birthday|born(?: on)?)(\s*[:=]?\s*)(${DATE})(?![0-9])`,
      'gi',
    ),
    (date) => date.replace(/[0-9]/g, '*'),
  ],
  [
    /\b(phone|tel|telephone|mobile|mob|cell|fax)(\s*(?:number|no\.?|#)?\s*[:=#]?\s*)(\+?[0-9][0-9 ().-]{5,20}[0-9])/gi,
    (phone) => maskDigits(phone, 2),
  ],
];

/** `key: value` or `key=value` pairs inside free text (query strings, legacy logs, form bodies). */
const KEY_VALUE =
  /(?<![A-Za-z0-9_])([A-Za-z][A-Za-z0-9_.-]{0,40})(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^,;&|\r\n{}"]+)/g;

const maskForKind = (kind: PersonalKind, value: string): string => {
  const trimmed = value.trim();
  if (trimmed === '') return value;
  switch (kind) {
    case 'email':
      return trimmed.includes('@') ? maskEmail(trimmed) : MASK;
    case 'phone':
      return /[0-9]{4}/.test(trimmed.replace(/[^0-9]/g, '')) ? maskDigits(trimmed, 2) : MASK;
    case 'nationalId':
      return trimmed.replace(/[^0-9]/g, '').length >= 8 ? maskDigits(trimmed, 4) : MASK;
    case 'card':
      return trimmed.replace(/[^0-9]/g, '').length >= 12 ? maskCard(trimmed) : MASK;
    case 'bank':
      return isIban(trimmed) ? maskIban(trimmed) : MASK;
    case 'birth':
      return /^[0-9./ -]+$/.test(trimmed) ? trimmed.replace(/[0-9]/g, '*') : MASK;
    default:
      return MASK;
  }
};

const maskKeyValuePair = (match: string, key: string, separator: string, raw: string): string => {
  const kind = personalKindOf(key, {}, raw);
  if (kind === undefined) return match;
  const quote = raw.startsWith('"') || raw.startsWith("'") ? raw[0] : '';
  const inner = quote === '' ? raw : raw.slice(1, -1);
  const trailing = quote === '' ? (/\s*$/.exec(inner)?.[0] ?? '') : '';
  return `${key}${separator}${quote}${maskForKind(kind, inner.slice(0, inner.length - trailing.length))}${quote}${trailing}`;
};

// Shapes that cannot hold any of the values above: checked first so that ids, trace ids, timestamps
// and plain words (most of what is logged) cost one regex test.
const SAFE_SHAPE =
  /^(?:(?:[A-Za-z]{1,16}[-_])?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|1-[0-9a-f]{8}-[0-9a-f]{24}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9:]+)|[A-Za-z _./()-]*|[0-9]{1,6})$/i;

const looksLikeJson = (text: string): boolean => {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
};

const maskJsonText = (text: string): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const pretty = /^\s*[{[]\s*\n/.test(text);
    return JSON.stringify(maskPersonalData(parsed), null, pretty ? 2 : undefined);
  } catch {
    return undefined;
  }
};

/**
 * A greedy match may run into the next word or number (`4111 1111 1111 1111 12`): the longest prefix
 * ending at a separator that passes the check is masked, the rest kept.
 */
const maskLongestValid = (
  candidate: string,
  isValid: (value: string) => boolean,
  mask: (value: string) => string,
): string => {
  let current = candidate;
  for (;;) {
    if (isValid(current)) return `${mask(current)}${candidate.slice(current.length)}`;
    const cut = Math.max(current.lastIndexOf(' '), current.lastIndexOf('-'));
    if (cut <= 0) return candidate;
    current = current.slice(0, cut);
  }
};

/** Masks the personal values found in free text (JSON text is masked as JSON, keys included). */
export const maskText = (text: string): string => {
  if (SAFE_SHAPE.test(text)) return text;
  if (looksLikeJson(text)) {
    const json = maskJsonText(text);
    if (json !== undefined) return json;
  }
  let masked = text.replace(EMAIL, maskEmail);
  masked = masked.replace(KEY_VALUE, maskKeyValuePair);
  for (const [rule, mask] of CONTEXT_RULES) {
    masked = masked.replace(rule, (_match, word: string, separator: string, value: string) => {
      return `${word}${separator}${mask(value)}`;
    });
  }
  masked = masked.replace(IBAN, (candidate) => maskLongestValid(candidate, isIban, maskIban));
  masked = masked.replace(CARD, (candidate) => maskLongestValid(candidate, isCardNumber, maskCard));
  masked = masked.replace(DASHED_SSN, (candidate, area: string, group: string, serial: string) =>
    isSsnShape(`${area}${group}${serial}`) ? maskSsn(candidate) : candidate,
  );
  return masked.replace(PHONE, (phone) => maskDigits(phone, 2));
};

/** Whether text holds any personal value maskText would mask. */
export const containsPersonalData = (text: string): boolean => maskText(text) !== text;

// ---------------------------------------------------------------------------------------------------
// Structures

const maskUnderKey = (kind: PersonalKind, value: unknown): unknown => {
  if (value === undefined || value === null || value === '') return value;
  if (typeof value === 'string') return maskForKind(kind, value);
  if (typeof value === 'number' || typeof value === 'bigint') return maskForKind(kind, String(value));
  return MASK;
};

const maskNumber = (value: number): number | string => {
  if (!Number.isSafeInteger(value) || Math.abs(value) < 1e12) return value;
  const digits = String(Math.abs(value));
  return isCardNumber(digits) ? maskCard(digits) : value;
};

/** An Error as plain data (name, message, stack, cause and own fields), for masking. */
const errorAsObject = (error: Error): Record<string, unknown> => {
  const plain: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack !== undefined) plain.stack = error.stack;
  if (error.cause !== undefined) plain.cause = error.cause;
  for (const [key, value] of Object.entries(error)) plain[key] = value;
  return plain;
};

const walk = (
  value: unknown,
  key: string | undefined,
  context: KeyContext,
  seen: WeakSet<object>,
): unknown => {
  if (key !== undefined) {
    const kind = personalKindOf(key, context, value);
    if (kind !== undefined) return maskUnderKey(kind, value);
  }
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'number') return maskNumber(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  // An array's items are judged in the array's context: `items[0].name` is an item's name.
  const ownKey = key ?? context.parentKey;
  if (Array.isArray(value)) return value.map((item) => walk(item, undefined, { parentKey: ownKey }, seen));
  if (value instanceof Date) return value.toISOString();
  const source = value instanceof Error ? errorAsObject(value) : (value as Record<string, unknown>);
  const masked: Record<string, unknown> = {};
  for (const [childKey, child] of Object.entries(source)) {
    masked[childKey] = walk(child, childKey, { parentKey: ownKey, holder: source }, seen);
  }
  return masked;
};

/**
 * A deep copy with personal data masked: whole values under personal keys (an address object becomes
 * `***`), personal values inside every other string. Errors become plain objects with their `name` kept.
 */
export const maskPersonalData = (value: unknown, key?: string): unknown =>
  walk(value, key, {}, new WeakSet());
