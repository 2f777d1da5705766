import { join } from 'node:path';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { build } from 'esbuild';

// serverless.shared.yml defines process.env.TRACING_BACKEND at build time, so that a function's
// bundle holds only its stage's tracing backend: the other costs neither bytes nor init time.
const CONSUMER = join(REPO_ROOT, 'services', 'order-consumer', 'src', 'handler.ts');

const packagesIn = async (backend: string, entry = CONSUMER): Promise<Set<string>> => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: 'handler.js',
    define: { 'process.env.TRACING_BACKEND': JSON.stringify(backend) },
  });
  const [output] = Object.values(result.metafile.outputs);
  return new Set(
    Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/[^@]*$/.exec(path)?.[1] ?? 'source'),
  );
};

describe('a function bundle built for one tracing backend', () => {
  it('holds the X-Ray SDK and no OpenTelemetry package when built for xray', async () => {
    const packages = [...(await packagesIn('xray'))];

    expect(packages).toContain('aws-xray-sdk-core');
    expect(packages.filter((name) => name.startsWith('@opentelemetry/'))).toEqual([]);
  });

  it("leaves out the X-Ray SDK's parts the backend never uses (its SDK v2 patcher and semver)", async () => {
    const packages = await packagesIn('xray');

    expect(packages.has('semver')).toBe(false);
  });

  it('holds OpenTelemetry and not the X-Ray SDK when built for otel', async () => {
    const packages = [...(await packagesIn('otel'))];

    expect(packages).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace', '@opentelemetry/api']));
    expect(packages).not.toContain('aws-xray-sdk-core');
  });
});

describe('a function bundle', () => {
  it('holds no zod when the function validates no order (@order-pipeline/common has no side effects)', async () => {
    const getOrder = join(REPO_ROOT, 'services', 'ingest-api', 'src', 'handlers', 'getOrder.ts');

    expect((await packagesIn('xray', getOrder)).has('zod')).toBe(false);
    expect((await packagesIn('xray')).has('zod')).toBe(true);
  });
});
