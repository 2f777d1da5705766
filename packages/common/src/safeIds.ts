import { ORDER_ID_PATTERN } from './orderContract';
import { containsPersonalData } from './redaction';

/** What a correlation id may look like on the wire (`x-correlation-id`, the `correlation_id` attribute). */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Whether a correlation id can be logged and traced as given: well-formed and free of personal data
 * (legacy producers put SSNs, e-mails or phone numbers there; `ssn:078-05-1120` is refused).
 */
export const isSafeCorrelationId = (value: string): boolean =>
  CORRELATION_ID_PATTERN.test(value) && !containsPersonalData(value);

/** The id when it is safe to log and trace, else undefined (it is then never rendered). */
export const safeCorrelationId = (value: string | undefined): string | undefined =>
  value !== undefined && isSafeCorrelationId(value) ? value : undefined;

/**
 * An order id (from a message body, perhaps never validated) when it is safe to log and trace: of the
 * schema's shape and free of personal data (a card number is of that shape), else undefined.
 */
export const safeOrderId = (value: string | undefined): string | undefined =>
  value !== undefined && ORDER_ID_PATTERN.test(value) && !containsPersonalData(value) ? value : undefined;
