import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { DOCUMENT_PATH, renderDocument } from '../openapi/document';
import { runCommand } from './e2e/program';

const CLI = 'scripts/openapi/cli.ts';

jest.setTimeout(120_000);

describe(DOCUMENT_PATH, () => {
  it('is what `pnpm openapi` generates from the schema and the routes (run it after changing either)', async () => {
    const checkedIn = await readFile(join(REPO_ROOT, DOCUMENT_PATH), 'utf8');

    expect(checkedIn).toBe(renderDocument());
  });
});

describe('pnpm openapi', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout } = await runCommand(CLI, ['--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('Usage: pnpm openapi');
  });

  it('refuses an unknown option with exit code 2 and its usage', async () => {
    const { code, stderr } = await runCommand(CLI, ['--no-such-option']);

    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--no-such-option'");
    expect(stderr).toContain('Usage: pnpm openapi');
  });

  it('refuses a stray argument with exit code 2', async () => {
    const { code, stderr } = await runCommand(CLI, ['docs/other.json']);

    expect(code).toBe(2);
    expect(stderr).toContain("unexpected argument 'docs/other.json'");
  });

  it('writes the document the validator accepts as OpenAPI 3.1, the same as the checked-in one', async () => {
    const out = join(dir, 'written.json');

    const { code, stdout } = await runCommand(CLI, ['--out', out]);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^wrote .*written\.json: OpenAPI 3\.1\.0, 3 operations, \d+ schemas; valid OpenAPI 3\.1 /,
    );
    expect(await readFile(out, 'utf8')).toBe(await readFile(join(REPO_ROOT, DOCUMENT_PATH), 'utf8'));
  });

  it('--check exits 0 for the checked-in document, and says it is valid', async () => {
    const { code, stdout } = await runCommand(CLI, ['--check']);

    expect(code).toBe(0);
    expect(stdout).toContain(`${DOCUMENT_PATH} is up to date`);
    expect(stdout).toContain('valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)');
  });

  it('--check exits 1 for a stale document, and writes nothing', async () => {
    const stale = join(dir, 'stale.json');
    const document = JSON.parse(renderDocument());
    document.info.version = '0.0.1';
    const text = `${JSON.stringify(document, null, 2)}\n`;
    await writeFile(stale, text);

    const { code, stderr } = await runCommand(CLI, ['--check', '--out', stale]);

    expect(code).toBe(1);
    expect(stderr).toContain('is stale');
    expect(stderr).toContain('run `pnpm openapi`');
    expect(stderr).not.toContain('not a valid OpenAPI document');
    expect(await readFile(stale, 'utf8')).toBe(text);
  });

  it("--check names the validator's findings in a document that is not valid OpenAPI", async () => {
    const broken = join(dir, 'broken.json');
    const document = JSON.parse(renderDocument());
    document.paths['/orders'].post.responses['202'] = { content: {} };
    delete document.info.title;
    await writeFile(broken, JSON.stringify(document));

    const { code, stderr } = await runCommand(CLI, ['--check', '--out', broken]);

    expect(code).toBe(1);
    expect(stderr).toContain('is not a valid OpenAPI document either');
    expect(stderr).toMatch(/\/info must have required property 'title'/);
  });

  it('--check exits 1 when the file does not exist', async () => {
    const { code, stderr } = await runCommand(CLI, ['--check', '--out', join(dir, 'missing.json')]);

    expect(code).toBe(1);
    expect(stderr).toContain('does not exist: run `pnpm openapi`');
  });
});
