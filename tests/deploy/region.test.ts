import { printValue, SERVICES } from './packageService';

/**
 * `sls` picks the region as `pnpm dlq` does (packages/common/src/region.ts): --region, else AWS_REGION,
 * else AWS_DEFAULT_REGION, else eu-west-1. Proved on the resolved configuration (`sls print`).
 */
describe('provider.region as sls print resolves it', () => {
  const region = (args: string[], env: Record<string, string>) =>
    printValue('order-consumer', 'prod', 'provider.region', { args, env });

  it.each([
    [
      '--region over both variables',
      ['--region', 'eu-central-1'],
      { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'ap-south-1' },
      'eu-central-1',
    ],
    [
      'AWS_REGION over AWS_DEFAULT_REGION',
      [],
      { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'ap-south-1' },
      'us-east-2',
    ],
    ['AWS_DEFAULT_REGION when AWS_REGION is unset', [], { AWS_DEFAULT_REGION: 'ap-south-1' }, 'ap-south-1'],
    ['eu-west-1 when nothing is set', [], {}, 'eu-west-1'],
  ])(
    'takes %s',
    async (_label, args, env, expected) => {
      await expect(region(args, env)).resolves.toBe(expected);
    },
    60_000,
  );

  it('is the same in every service (ingest-api lists the shared provider block key by key)', async () => {
    const regions = await Promise.all(
      SERVICES.map((service) =>
        printValue(service, 'prod', 'provider.region', { env: { AWS_REGION: 'ca-central-1' } }),
      ),
    );
    expect(regions).toEqual(SERVICES.map(() => 'ca-central-1'));
  }, 60_000);
});
