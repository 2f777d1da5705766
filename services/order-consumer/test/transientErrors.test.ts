import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { TransientError } from '../src/errors';
import { isTransientError } from '../src/transientErrors';

const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:8000`), { code });
const serviceError = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

describe('isTransientError()', () => {
  it.each([
    [
      'DynamoDB throttling',
      new ProvisionedThroughputExceededException({ message: 'x', $metadata: { httpStatusCode: 400 } }),
    ],
    ['DynamoDB ThrottlingException', new ThrottlingException({ message: 'x', $metadata: {} })],
    ['DynamoDB RequestLimitExceeded', new RequestLimitExceeded({ message: 'x', $metadata: {} })],
    ['a DynamoDB 500', new InternalServerError({ message: 'x', $metadata: { httpStatusCode: 500 } })],
    ['any 503 answer', serviceError('ServiceUnavailableException', 503)],
    ['a 429 answer', serviceError('SomethingTooFast', 429)],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a reset connection', networkError('ECONNRESET')],
    ['a refused connection', networkError('ECONNREFUSED')],
    ['a DNS hiccup', networkError('EAI_AGAIN')],
    [
      'an error the SDK marks $retryable',
      Object.assign(new Error('x'), { $retryable: { throttling: false } }),
    ],
    ['an error caused by a network error', new Error('wrapped', { cause: networkError('ETIMEDOUT') })],
    ['a simulated transient fault', new TransientError('chaos')],
  ])('classifies %s as transient', (_, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    [
      'a failed condition',
      new ConditionalCheckFailedException({ message: 'x', $metadata: { httpStatusCode: 400 } }),
    ],
    ['a missing table', new ResourceNotFoundException({ message: 'x', $metadata: { httpStatusCode: 400 } })],
    ['a validation error', serviceError('ValidationException', 400)],
    ['access denied', serviceError('AccessDeniedException', 403)],
    ['a bug', new TypeError('undefined is not a function')],
    ['an aborted request', Object.assign(new Error('aborted'), { name: 'AbortError', $retryable: {} })],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('classifies %s as not transient', (_, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
