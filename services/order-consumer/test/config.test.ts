import { ConfigurationError } from '@order-pipeline/common';
import { readConfig } from '../src/config';

const baseEnv = {
  ORDERS_TABLE: 'order-pipeline-test-orders',
  STORES_TABLE: 'order-pipeline-test-stores',
  POWERTOOLS_METRICS_NAMESPACE: 'OrderPipeline',
};

describe('readConfig()', () => {
  it('reads the orders and stores tables and the metrics namespace, with default back-off and no endpoints', () => {
    expect(readConfig(baseEnv)).toEqual({
      ordersTable: 'order-pipeline-test-orders',
      storesTable: 'order-pipeline-test-stores',
      backoff: { baseSeconds: 2, maxSeconds: 300, poisonSeconds: 2 },
      metricsNamespace: 'OrderPipeline',
      sqsEndpoint: undefined,
      dynamoEndpoint: undefined,
      chaosFaults: false,
      chaosCrashRate: 0,
    });
  });

  it('reads the back-off and the embedded endpoints of the local stage', () => {
    const config = readConfig({
      ...baseEnv,
      BACKOFF_BASE_SECONDS: '1',
      BACKOFF_MAX_SECONDS: '4',
      POISON_BACKOFF_SECONDS: '1',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
    });

    expect(config.backoff).toEqual({ baseSeconds: 1, maxSeconds: 4, poisonSeconds: 1 });
    expect(config.sqsEndpoint).toBe('http://127.0.0.1:9324');
    expect(config.dynamoEndpoint).toBe('http://127.0.0.1:8000');
  });

  it.each(['ORDERS_TABLE', 'STORES_TABLE', 'POWERTOOLS_METRICS_NAMESPACE'])(
    'fails fast naming %s when it is missing',
    (name) => {
      const env: Record<string, string> = { ...baseEnv };
      delete env[name];

      expect(() => readConfig(env)).toThrow(ConfigurationError);
      expect(() => readConfig(env)).toThrow(name);
    },
  );

  const offline = { ...baseEnv, STAGE: 'local', IS_OFFLINE: 'true' };

  it('turns chaos faults on only on the local stage under sls offline', () => {
    expect(readConfig({ ...offline, CHAOS_FAULTS: 'on' }).chaosFaults).toBe(true);
    expect(readConfig({ ...offline, CHAOS_FAULTS: 'off' }).chaosFaults).toBe(false);
  });

  it('refuses CHAOS_FAULTS=on on a stage named local that does not run under sls offline', () => {
    expect(() => readConfig({ ...baseEnv, STAGE: 'local', CHAOS_FAULTS: 'on' })).toThrow(
      'CHAOS_FAULTS=on is only allowed under the local stack',
    );
  });

  it.each(['prod', 'dev', undefined])('refuses CHAOS_FAULTS=on on stage %p', (stage) => {
    expect(() => readConfig({ ...offline, STAGE: stage, CHAOS_FAULTS: 'on' })).toThrow(
      'CHAOS_FAULTS=on is only allowed on the local stage',
    );
  });

  it('refuses a CHAOS_FAULTS value other than on or off', () => {
    expect(() => readConfig({ ...baseEnv, STAGE: 'local', CHAOS_FAULTS: 'yes' })).toThrow(ConfigurationError);
  });

  it('reads the crash rate only when chaos faults are on', () => {
    expect(readConfig({ ...offline, CHAOS_FAULTS: 'on', CHAOS_CRASH_RATE: '0.2' }).chaosCrashRate).toBe(0.2);
    expect(readConfig({ ...baseEnv, STAGE: 'prod', CHAOS_CRASH_RATE: '0.2' }).chaosCrashRate).toBe(0);
  });

  it.each(['-0.1', '1.5', 'often'])('refuses the crash rate %p', (rate) => {
    expect(() => readConfig({ ...baseEnv, CHAOS_CRASH_RATE: rate })).toThrow('CHAOS_CRASH_RATE must be 0..1');
  });
});
