import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturedOutput, runCommand } from '@order-pipeline/common/cli';
import { type BenchDeps, benchProgram } from '../bench/cli';

// pnpm bench through the CLI frame's run function, with measurements that answer at once: a real
// run takes minutes (its --help and usage errors are run as a program in commands.test.ts).
describe('pnpm bench', () => {
  let resultsDir: string;
  const measured: string[] = [];

  const deps = (overrides: Partial<BenchDeps> = {}): BenchDeps => ({
    measureColdStarts: async () => {
      measured.push('cold-start');
      throw new Error('esbuild could not bundle ingest-api');
    },
    measureConsumer: async () => {
      measured.push('consumer');
      throw new Error('not expected');
    },
    measureEndToEnd: async () => {
      measured.push('e2e');
      throw new Error('not expected');
    },
    resultsDir,
    ...overrides,
  });

  beforeEach(async () => {
    measured.length = 0;
    resultsDir = await mkdtemp(join(tmpdir(), 'bench-results-'));
  });

  afterEach(() => rm(resultsDir, { recursive: true, force: true }));

  it('exits 1 with the failure on stderr when a measurement fails, and writes no results', async () => {
    const recorded = capturedOutput();

    const code = await runCommand(benchProgram(deps()), ['--only', 'cold-start'], recorded.output);

    expect(code).toBe(1);
    expect(measured).toEqual(['cold-start']);
    expect(recorded.err()).toBe('cold start ...\nerror: esbuild could not bundle ingest-api');
    expect(await readdir(resultsDir)).toEqual([]);
  });

  it('refuses a concurrency out of range with exit code 2 before measuring anything', async () => {
    const recorded = capturedOutput();

    const code = await runCommand(benchProgram(deps()), ['--concurrency', '65'], recorded.output);

    expect(code).toBe(2);
    expect(measured).toEqual([]);
    expect(recorded.err()).toContain('error: --concurrency must be an integer from 1 to 64');
    expect(recorded.err()).toContain('Usage: pnpm bench');
  });
});
