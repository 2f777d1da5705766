import { type PackagedService, packageService, SERVICES, type ServiceName } from './packageService';
import { checkTracingBackend } from './tracingChecks';

/**
 * `sls package --stage prod --param=tracingBackend=otel`: what switching a stage to OpenTelemetry
 * deploys (the default X-Ray SDK stage is checked in templates.test.ts).
 */
const packaged = new Map<ServiceName, Promise<PackagedService>>();

beforeAll(async () => {
  for (const service of SERVICES) {
    packaged.set(service, packageService(service, 'prod', { tracingBackend: 'otel' }));
  }
  await Promise.allSettled(packaged.values());
}, 180_000);

describe.each(SERVICES)('sls package --stage prod --param=tracingBackend=otel: %s', (service) => {
  it('tells every function to use OpenTelemetry and lets its role write to the OTLP endpoint', async () => {
    const { template } = (await packaged.get(service)) as PackagedService;
    expect(checkTracingBackend(template, 'otel')).toEqual([]);
  });
});
