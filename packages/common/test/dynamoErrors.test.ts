import { isConditionalCheckFailed } from '../src';

describe('isConditionalCheckFailed()', () => {
  it('recognises DynamoDB condition failures by name, whichever SDK copy threw them', () => {
    const failure = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });

    expect(isConditionalCheckFailed(failure)).toBe(true);
  });

  it.each([
    [
      'another DynamoDB error',
      Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }),
    ],
    ['a plain object with that name', { name: 'ConditionalCheckFailedException' }],
    ['a string', 'ConditionalCheckFailedException'],
  ])('is false for %s', (_label, thrown) => {
    expect(isConditionalCheckFailed(thrown)).toBe(false);
  });
});
