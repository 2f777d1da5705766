/**
 * Keys whose values are personal data wherever they appear in a logged object. Compared after
 * lower-casing and dropping `_` and `-`, so `national_id`, `nationalId` and `NATIONAL-ID` all match.
 */
const PERSONAL_KEYS = new Set([
  'name',
  'firstname',
  'lastname',
  'fullname',
  'customername',
  'address',
  'line1',
  'line2',
  'street',
  'postalcode',
  'zip',
  'email',
  'emailaddress',
  'phone',
  'phonenumber',
  'mobile',
  'nationalid',
  'ssn',
  'taxid',
  'passport',
  'passportnumber',
  'dateofbirth',
  'birthdate',
]);

export const MASK = '***';

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export const isPersonalKey = (key: string): boolean =>
  PERSONAL_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));

/**
 * JSON.stringify replacer that masks personal data: the whole value under a personal key (an
 * address object becomes `***`), and e-mail addresses inside any other string.
 */
export const maskingReplacer = (key: string, value: unknown): unknown => {
  if (key !== '' && isPersonalKey(key) && value !== undefined && value !== null) return MASK;
  if (typeof value === 'string') return value.replace(EMAIL_IN_TEXT, MASK);
  return value;
};

/** A deep copy with personal data masked, for anything that leaves the process as text. */
export const maskPersonalData = <T>(value: T): unknown =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value, maskingReplacer));
