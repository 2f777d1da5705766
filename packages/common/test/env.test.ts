import { ConfigurationError, intEnv, requireEnv } from '../src';

describe('requireEnv()', () => {
  it('returns a set variable', () => {
    expect(requireEnv('QUEUE_URL', { QUEUE_URL: 'http://q' })).toBe('http://q');
  });

  it.each([undefined, '', '  '])('throws naming the variable when it is %p', (value) => {
    expect(() => requireEnv('QUEUE_URL', { QUEUE_URL: value })).toThrow(
      new ConfigurationError('environment variable QUEUE_URL is required', 'QUEUE_URL'),
    );
  });
});

describe('intEnv()', () => {
  it('falls back when unset and parses when set', () => {
    expect(intEnv('N', 5, {})).toBe(5);
    expect(intEnv('N', 5, { N: '12' })).toBe(12);
  });

  it('refuses a value that is not a whole number', () => {
    expect(() => intEnv('N', 5, { N: '1.5' })).toThrow('N must be a non-negative integer');
  });
});
