import { CORRELATION_ID_PATTERN, containsPersonalData, type FieldIssue } from '@order-pipeline/common';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ERROR_CODE, type ErrorCode, RequestError } from './errors';
import { headerValue } from './headers';
import { RETRY_AFTER_SECONDS } from './limits';
import { decodeUtf8, firstDuplicateKey } from './strictJson';

export type HttpResponse = APIGatewayProxyResult & { headers: Record<string, string> };

/** The parts of a REST API (payload v1) proxy event this API reads. */
export type ApiEvent = Pick<
  APIGatewayProxyEvent,
  'headers' | 'body' | 'isBase64Encoded' | 'pathParameters' | 'requestContext'
>;

export const CORRELATION_HEADER = 'x-correlation-id';
/** The X-Ray header API Gateway (or a client) passes on. */
export const TRACE_HEADER_NAME = 'x-amzn-trace-id';

/**
 * The caller's `x-correlation-id`, or a new one. A malformed one, or one that carries personal data
 * (`ssn:078-05-1120`, an e-mail, a card or phone number), is refused with 400 rather than forwarded:
 * it would be logged, traced and stored as given, and the caller must know it was not used.
 */
export const readCorrelationId = (event: ApiEvent, generate: () => string): string => {
  const given = headerValue(event.headers, CORRELATION_HEADER);
  if (given === undefined) return generate();
  if (!CORRELATION_ID_PATTERN.test(given)) {
    throw new RequestError(
      400,
      ERROR_CODE.invalidCorrelationId,
      `${CORRELATION_HEADER} must be 1-128 of A-Z a-z 0-9 . _ : -`,
    );
  }
  if (containsPersonalData(given)) {
    throw new RequestError(
      400,
      ERROR_CODE.invalidCorrelationId,
      `${CORRELATION_HEADER} must not carry personal data (e-mail, phone, card or national id number)`,
    );
  }
  return given;
};

/**
 * `application/json`, optionally with `charset=utf-8`: JSON exchanged between systems is UTF-8
 * (RFC 8259, section 8.1), so any other charset is refused instead of being misread.
 */
const isJsonContentType = (value: string | undefined): boolean => {
  if (value === undefined) return false;
  const [mediaType = '', ...parameters] = value.split(';').map((part) => part.trim());
  if (mediaType.toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name = '', raw = ''] = parameter.split('=').map((part) => part.trim());
    if (name.toLowerCase() !== 'charset') return true;
    return raw.replace(/^"(.*)"$/, '$1').toLowerCase() === 'utf-8';
  });
};

/**
 * The request's JSON body, refused with 415 (not JSON), 413 (over `maxBytes`) or 400 (not UTF-8,
 * unparseable or nested too deeply to check, a key twice in one object), in that order, so that an oversized body is never parsed. The
 * body comes base64-encoded (`isBase64Encoded`) when API Gateway treats JSON as binary
 * (serverless.yml, binaryMediaTypes): then the bytes are the client's own, and invalid UTF-8 is seen.
 */
export const readJsonBody = (event: ApiEvent, maxBytes: number): unknown => {
  if (!isJsonContentType(headerValue(event.headers, 'content-type'))) {
    throw new RequestError(
      415,
      ERROR_CODE.unsupportedMediaType,
      'content-type must be application/json (charset, if given, utf-8)',
    );
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    throw new RequestError(
      413,
      ERROR_CODE.payloadTooLarge,
      `request body is ${bytes.length} bytes; at most ${maxBytes} are accepted`,
    );
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    throw new RequestError(400, ERROR_CODE.invalidEncoding, 'request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RequestError(400, ERROR_CODE.invalidJson, 'request body is not valid JSON');
  }
  let duplicate: string | undefined;
  try {
    duplicate = firstDuplicateKey(text);
  } catch (error) {
    // The duplicate-key visitor recurses once per level: JSON.parse reads `[[[...]]]` 20,000 deep within
    // the size limit, the visitor overflows the stack. No order nests that deep; refused, not a 500.
    if (!(error instanceof RangeError)) throw error;
    throw new RequestError(400, ERROR_CODE.invalidJson, 'request body nests too deeply to be an order');
  }
  if (duplicate !== undefined) {
    throw new RequestError(400, ERROR_CODE.duplicateKey, 'request body has a key twice in one object', [
      { path: duplicate, message: 'must occur once in its object' },
    ]);
  }
  return value;
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  issues?: readonly FieldIssue[];
}

export const errorBody = (code: ErrorCode, message: string, issues?: readonly FieldIssue[]): ErrorBody =>
  issues === undefined || issues.length === 0 ? { code, message } : { code, message, issues };

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/** The answer to a refused request: `{ error: { code, message, issues? } }` and nothing else. */
const requestErrorResponse = (error: RequestError, headers: Record<string, string> = {}): HttpResponse =>
  jsonResponse(error.status, { error: errorBody(error.code, error.message, error.issues) }, headers);

/**
 * Runs `work`, answering a RequestError it throws as the JSON error. Used inside a span too, so that a
 * refused request is answered there and its segment is not marked as a fault.
 */
export const answeringRequestErrors = async (
  work: () => Promise<HttpResponse>,
  headers: Record<string, string> = {},
): Promise<HttpResponse> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RequestError) return requestErrorResponse(error, headers);
    throw error;
  }
};

/** 503 with a Retry-After hint; `details` tell the client what was and was not done. */
export const unavailableResponse = (
  code: ErrorCode,
  message: string,
  details: object,
  headers: Record<string, string> = {},
): HttpResponse =>
  jsonResponse(
    503,
    { error: errorBody(code, message), ...details },
    {
      ...headers,
      'retry-after': String(RETRY_AFTER_SECONDS),
    },
  );

/** 500 for anything unexpected: the details go to the log, never to the client. */
export const internalErrorResponse = (): HttpResponse =>
  jsonResponse(500, { error: errorBody(ERROR_CODE.internal, 'internal error') });
