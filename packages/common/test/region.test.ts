import { DEFAULT_REGION, resolveRegion } from '../src/region';

describe('resolveRegion()', () => {
  it.each([
    [
      'an explicit option over every variable',
      'eu-central-1',
      { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'ap-south-1' },
      'eu-central-1',
    ],
    [
      'AWS_REGION over AWS_DEFAULT_REGION',
      undefined,
      { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'ap-south-1' },
      'us-east-2',
    ],
    [
      'AWS_DEFAULT_REGION when AWS_REGION is unset',
      undefined,
      { AWS_DEFAULT_REGION: 'ap-south-1' },
      'ap-south-1',
    ],
    [
      'AWS_DEFAULT_REGION when AWS_REGION is empty',
      null,
      { AWS_REGION: ' ', AWS_DEFAULT_REGION: 'ap-south-1' },
      'ap-south-1',
    ],
    ['the default when nothing is given', null, {}, DEFAULT_REGION],
  ])('takes %s', (_label, option, env, expected) => {
    expect(resolveRegion(option, env)).toBe(expected);
  });

  it('defaults to eu-west-1', () => {
    expect(DEFAULT_REGION).toBe('eu-west-1');
  });
});
