import { packageError } from './packageService';

// Packaging runs serverless and esbuild: slow, but it is the only way to prove what `sls package` does.
jest.setTimeout(180_000);

describe('sls package of order-consumer with chaos faults', () => {
  it('fails on the local stage when CHAOS_FAULTS=on', async () => {
    const error = await packageError('order-consumer', ['--stage', 'local'], { CHAOS_FAULTS: 'on' });

    expect(error).toContain('refusing to package processOrders with CHAOS_FAULTS=on');
  });

  it('fails on any stage given chaosFaults=on as a param', async () => {
    const error = await packageError('order-consumer', ['--stage', 'prod', '--param', 'chaosFaults=on']);

    expect(error).toContain('refusing to package processOrders with CHAOS_FAULTS=on');
  });
});
