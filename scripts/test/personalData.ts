import fc from 'fast-check';

/**
 * Generators of personal data as legacy producers send it, for the property suites and the privacy
 * end-to-end test: each value is what must never appear in anything the pipeline renders.
 */

const digits = (count: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: count, maxLength: count });

/** The Luhn check digit that completes `partial`. */
export const luhnCheckDigit = (partial: string): number => {
  let sum = 0;
  for (let index = 0; index < partial.length; index++) {
    let digit = Number(partial[partial.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
};

const group = (value: string, size: number, separator: string): string =>
  (value.match(new RegExp(`.{1,${size}}`, 'g')) ?? []).join(separator);

/** Card numbers of the major networks (Visa, Mastercard, Amex, Discover), Luhn-valid, spaced, dashed or not. */
export const cardNumber = fc
  .tuple(
    fc.constantFrom(
      { prefix: '4', length: 16 },
      { prefix: '51', length: 16 },
      { prefix: '2221', length: 16 },
      { prefix: '37', length: 15 },
      { prefix: '6011', length: 16 },
      { prefix: '4', length: 19 },
    ),
    digits(18),
    fc.constantFrom('', ' ', '-'),
  )
  .map(([{ prefix, length }, rest, separator]) => {
    const partial = (prefix + rest.join('')).slice(0, length - 1);
    return group(`${partial}${luhnCheckDigit(partial)}`, 4, separator);
  });

const mod97 = (numeric: string): number => {
  let remainder = 0;
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder;
};

/** Checksum-valid IBANs (numeric BBAN), compact or printed in groups of four. */
export const iban = fc
  .tuple(
    fc.constantFrom(
      { country: 'DE', length: 18 },
      { country: 'FR', length: 23 },
      { country: 'NL', length: 14 },
    ),
    digits(23),
    fc.boolean(),
  )
  .map(([{ country, length }, bban, spaced]) => {
    const account = bban.join('').slice(0, length);
    const letters = [...country].map((letter) => String(letter.charCodeAt(0) - 55)).join('');
    const check = String(98 - mod97(`${account}${letters}00`)).padStart(2, '0');
    const compact = `${country}${check}${account}`;
    return spaced ? group(compact, 4, ' ') : compact;
  });

/** US SSNs of a valid shape (area not 000, 666 or 9xx; group not 00; serial not 0000), dashed. */
export const ssn = fc
  .tuple(fc.integer({ min: 1, max: 899 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .filter(([area]) => area !== 666)
  .map(
    ([area, group, serial]) =>
      `${String(area).padStart(3, '0')}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`,
  );

/** E-mail addresses of ordinary shape. */
export const email = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9._+-]{1,15}[a-z0-9]$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{1,12}[a-z0-9]$/),
    fc.constantFrom('com', 'org', 'de', 'co.uk', 'example'),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

/** Phone numbers in international form (`+44 20 7946 0958`) or US national form (`(415) 555-0123`). */
export const phone = fc.oneof(
  fc
    .tuple(fc.constantFrom('1', '44', '49', '33', '353'), digits(9), fc.constantFrom(' ', '-', ''))
    .map(([country, rest, separator]) => `+${country}${separator}${group(rest.join(''), 3, separator)}`),
  fc
    .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), digits(4))
    .map(([area, exchange, line]) => `(${area}) ${exchange}-${line.join('')}`),
);

/** Dates of birth as legacy systems write them. */
export const dateOfBirth = fc
  .date({ min: new Date('1930-01-01'), max: new Date('2008-12-31'), noInvalidDate: true })
  .chain((date) => {
    const iso = date.toISOString().slice(0, 10);
    const [year, month, day] = iso.split('-');
    return fc.constantFrom(iso, `${day}/${month}/${year}`, `${month}-${day}-${year}`);
  });

/** A person's full name; found only by its key or a `name:` label, never by its value alone. */
export const fullName = fc
  .tuple(fc.stringMatching(/^[A-Z][a-z]{3,9}$/), fc.stringMatching(/^[A-Z][a-z]{4,11}$/))
  .map(([first, last]) => `${first} ${last}`);

/** Values recognised wherever they appear, whatever their key. */
export const valueDetectable = fc.oneof(cardNumber, iban, ssn, email, phone);

/** Legacy field names and the value each holds. */
export const personalField = fc.oneof(
  fc.tuple(fc.constantFrom('full_nm', 'cust_name', 'first_nm', 'customerName', 'LAST_NAME'), fullName),
  fc.tuple(fc.constantFrom('ssn_no', 'SSN', 'national_id', 'tax_no'), ssn),
  fc.tuple(fc.constantFrom('dob', 'birth_dt', 'dateOfBirth'), dateOfBirth),
  fc.tuple(fc.constantFrom('mobile_no', 'tel', 'phone'), phone),
  fc.tuple(fc.constantFrom('card_no', 'pan', 'cardNumber'), cardNumber),
  fc.tuple(fc.constantFrom('iban', 'IBAN', 'bank_account'), iban),
  fc.tuple(fc.constantFrom('email', 'e_mail', 'contactEmail'), email),
  fc.tuple(
    fc.constantFrom('addr_ln_1', 'street'),
    fullName.map((name) => `12 ${name} Road`),
  ),
);

/** The forms a planted value must never take in any output: as given, and its digits alone. */
export const forbiddenForms = (value: string): string[] => {
  const compact = value.replace(/[^0-9]/g, '');
  return compact.length >= 9 ? [value, compact] : [value];
};

// Separators around a value planted in text: never a letter, digit or `-`, so that the value stays
// a token of its own (a value glued to other letters is not one a scanner can tell apart).
const boundary = fc.constantFrom(' ', ', ', '; ', '\n', ' | ', ' (', ') ', '"', ' [');

/** Free text of printable words with `value` somewhere inside. */
export const textAround = (value: string) =>
  fc
    .tuple(
      fc.stringMatching(/^[A-Za-z ,.!?]{0,30}$/),
      boundary,
      boundary,
      fc.stringMatching(/^[A-Za-z ,.!?]{0,30}$/),
    )
    .map(([before, open, close, after]) => `${before}${open}${value}${close}${after}`);

/** A random JSON-like object with `planted` stored at a random depth under `key`. */
export const objectAround = (key: string, planted: unknown) =>
  fc
    .tuple(
      fc.dictionary(
        fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant('x')),
        {
          maxKeys: 4,
        },
      ),
      fc.array(fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/), { maxLength: 3 }),
    )
    .map(([noise, path]) => {
      let holder: Record<string, unknown> = { [key]: planted };
      for (const segment of path.reverse()) holder = { ...noise, [segment]: holder };
      return { ...noise, ...holder };
    });
