import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TRACING_BACKENDS, type TracingBackendName } from '@order-pipeline/common/tracing';
import { loadServiceConfig, REPO_ROOT, SERVICES, serviceDir } from '@order-pipeline/local-aws';
import { build } from 'esbuild';
import { median, round } from './stats';

export interface ColdStartRow {
  function: string;
  /** The tracing backend the bundle was built for (TRACING_BACKEND defined at build time). */
  backend: TracingBackendName;
  bundleKb: number;
  baselineKb: number;
  /** Wall-clock init, median: what Lambda bills, but on a shared machine it also counts waiting for a core. */
  initMs: number;
  baselineInitMs: number;
  ratio: number;
  /** CPU time (user + system) of the same inits, median: what a loaded machine distorts least. */
  initCpuMs: number;
  baselineInitCpuMs: number;
  cpuRatio: number;
  sdkClients: string[];
}

const OUT_DIR = join(REPO_ROOT, '.local', 'bench', 'cold-start');

// The same options serverless-esbuild gets from serverless.shared.yml (`define` included: the
// stage's tracing backend is fixed at build time, and the other one left out).
const bundle = async (
  entry: string,
  outfile: string,
  resolveDir: string,
  stdin?: string,
  backend: TracingBackendName = 'xray',
) => {
  const result = await build({
    ...(stdin === undefined
      ? { entryPoints: [entry] }
      : { stdin: { contents: stdin, resolveDir, loader: 'ts' } }),
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    keepNames: true,
    define: { 'process.env.TRACING_BACKEND': JSON.stringify(backend) },
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: resolveDir,
  });
  return result.metafile;
};

const SDK_PACKAGE = /node_modules\/(@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb))\//;

/** Which AWS SDK clients a bundle contains, from esbuild's metafile. */
export const sdkClientsOf = (inputs: readonly string[]): string[] =>
  [
    ...new Set(
      inputs
        .map((input) => SDK_PACKAGE.exec(input)?.[1])
        .filter((name): name is string => name !== undefined),
    ),
  ].sort();

const CLIENT_CLASS: Record<string, string> = {
  '@aws-sdk/client-sqs': 'SQSClient',
  '@aws-sdk/client-dynamodb': 'DynamoDBClient',
  '@aws-sdk/client-sns': 'SNSClient',
  '@aws-sdk/client-cloudwatch': 'CloudWatchClient',
};

/** A baseline entry that only loads and constructs the SDK clients the function uses. */
export const baselineSource = (clients: readonly string[]): string =>
  clients
    .map((client, index) => {
      if (client === '@aws-sdk/lib-dynamodb') {
        return `import { DynamoDBDocumentClient as D${index} } from '${client}';\nimport { DynamoDBClient as B${index} } from '@aws-sdk/client-dynamodb';\nexport const c${index} = D${index}.from(new B${index}({}));`;
      }
      const name = CLIENT_CLASS[client];
      return name
        ? `import { ${name} as C${index} } from '${client}';\nexport const c${index} = new C${index}({});`
        : '';
    })
    .join('\n');

interface InitSample {
  wallMs: number;
  cpuMs: number;
}

const initOnce = async (file: string, env: NodeJS.ProcessEnv): Promise<InitSample> => {
  // A fresh process per sample: the time to load the bundle (which builds the handler and its clients),
  // wall clock and CPU of this process (every thread: the compiler's and GC's helpers too).
  const probe = `const c=process.cpuUsage(),t=process.hrtime.bigint();require(${JSON.stringify(file)});const w=Number(process.hrtime.bigint()-t)/1e6,u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wallMs:w,cpuMs:(u.user+u.system)/1e3}));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], { env });
  return JSON.parse(stdout) as InitSample;
};

const kb = async (file: string) => round((await stat(file)).size / 1024, 1);

const stringEnv = (environment: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(environment ?? {})
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
      .map(([key, value]) => [key, String(value)]),
  );

export const measureColdStarts = async (
  samples: number,
  backends: readonly TracingBackendName[] = TRACING_BACKENDS,
): Promise<ColdStartRow[]> => {
  await mkdir(OUT_DIR, { recursive: true });
  const rows: ColdStartRow[] = [];
  for (const service of SERVICES) {
    const config = await loadServiceConfig(service, 'local');
    for (const [name, fn] of Object.entries(config.functions)) {
      const dir = serviceDir(service);
      const entry = join(dir, `${fn.handler.replace(/\.[^.]+$/, '')}.ts`);
      const bundles = [];
      for (const backend of backends) {
        const outfile = join(OUT_DIR, `${service}-${name}.${backend}.js`);
        const metafile = await bundle(entry, outfile, dir, undefined, backend);
        bundles.push({ backend, outfile, sdkClients: sdkClientsOf(Object.keys(metafile.inputs)) });
      }
      // The baseline holds the SDK clients of the default backend's bundle (the same for both).
      const sdkClients = bundles[0]?.sdkClients ?? [];
      const baselineFile = join(OUT_DIR, `${service}-${name}.baseline.js`);
      await bundle('', baselineFile, dir, baselineSource(sdkClients));
      const baseEnv = {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        ...stringEnv(config.provider.environment),
        ...stringEnv(fn.environment),
      };
      const inits = new Map(bundles.map(({ backend }) => [backend, [] as InitSample[]]));
      const baselineInits: InitSample[] = [];
      // Interleave the bundles and the baseline so that machine noise hits all of them alike.
      for (let sample = 0; sample < samples; sample++) {
        for (const { backend, outfile } of bundles) {
          inits.get(backend)?.push(await initOnce(outfile, { ...baseEnv, TRACING_BACKEND: backend }));
        }
        baselineInits.push(await initOnce(baselineFile, baseEnv));
      }
      const baseline = median(baselineInits.map(({ wallMs }) => wallMs));
      const baselineCpu = median(baselineInits.map(({ cpuMs }) => cpuMs));
      for (const { backend, outfile } of bundles) {
        const samples = inits.get(backend) ?? [];
        const init = median(samples.map(({ wallMs }) => wallMs));
        const initCpu = median(samples.map(({ cpuMs }) => cpuMs));
        rows.push({
          function: `${service}/${name}`,
          backend,
          bundleKb: await kb(outfile),
          baselineKb: await kb(baselineFile),
          initMs: round(init),
          baselineInitMs: round(baseline),
          ratio: round(init / baseline),
          initCpuMs: round(initCpu),
          baselineInitCpuMs: round(baselineCpu),
          cpuRatio: round(initCpu / baselineCpu),
          sdkClients,
        });
      }
    }
  }
  return rows;
};
