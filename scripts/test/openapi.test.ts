import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOrderRequest } from '@order-pipeline/common';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { DOCUMENT_PATH, renderDocument } from '../openapi/document';
import * as ex from '../openapi/examples';
import { REQUESTS_PATH, renderRequests } from '../openapi/requests';
import { runCommand } from './e2e/program';
import { documentChecker, loadDocument } from './openapiHarness';

const CLI = 'scripts/openapi/cli.ts';

jest.setTimeout(120_000);

describe.each([
  [DOCUMENT_PATH, renderDocument],
  [REQUESTS_PATH, renderRequests],
])('%s', (path, render) => {
  it('is what `pnpm openapi` generates from the schema, the routes and the examples (run it after changing them)', async () => {
    const checkedIn = await readFile(join(REPO_ROOT, path), 'utf8');

    expect(checkedIn).toBe(render());
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
    expect(stderr).toContain('pnpm openapi takes no arguments; got "docs/other.json"');
  });

  /** A root of its own with both files as `pnpm openapi` writes them; `change` edits the document. */
  const rootWith = async (
    name: string,
    change?: (document: { info: { version?: string; title?: string } }) => void,
  ): Promise<string> => {
    const root = join(dir, name);
    await mkdir(join(root, 'docs'), { recursive: true });
    const document = JSON.parse(renderDocument());
    change?.(document);
    await writeFile(join(root, DOCUMENT_PATH), `${JSON.stringify(document, null, 2)}\n`);
    await writeFile(join(root, REQUESTS_PATH), renderRequests());
    return root;
  };

  it('writes the document the validator accepts as OpenAPI 3.1 and the requests, the same as the checked-in ones', async () => {
    const root = join(dir, 'written');

    const { code, stdout } = await runCommand(CLI, ['--root', root]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^OpenAPI 3\.1\.0, 3 operations, \d+ schemas: valid OpenAPI 3\.1 /);
    expect(stdout).toContain(`wrote ${DOCUMENT_PATH}\nwrote ${REQUESTS_PATH}`);
    for (const path of [DOCUMENT_PATH, REQUESTS_PATH]) {
      expect(await readFile(join(root, path), 'utf8')).toBe(await readFile(join(REPO_ROOT, path), 'utf8'));
    }
  });

  it('--check exits 0 for the checked-in files, and says the document is valid', async () => {
    const { code, stdout } = await runCommand(CLI, ['--check']);

    expect(code).toBe(0);
    expect(stdout).toContain('valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)');
    expect(stdout).toContain(`${DOCUMENT_PATH} is up to date\n${REQUESTS_PATH} is up to date`);
  });

  it('--check exits 1 for a stale document, and writes nothing', async () => {
    const root = await rootWith('stale', (document) => {
      document.info.version = '0.0.1';
    });
    const before = await readFile(join(root, DOCUMENT_PATH), 'utf8');

    const { code, stdout, stderr } = await runCommand(CLI, ['--check', '--root', root]);

    expect(code).toBe(1);
    expect(stderr).toContain(`${DOCUMENT_PATH} is stale`);
    expect(stderr).toContain('run `pnpm openapi`');
    expect(stderr).not.toContain('not a valid OpenAPI document');
    expect(stdout).toContain(`${REQUESTS_PATH} is up to date`);
    expect(await readFile(join(root, DOCUMENT_PATH), 'utf8')).toBe(before);
  });

  it('--check exits 1 for a stale requests file', async () => {
    const root = await rootWith('stale-requests');
    await writeFile(join(root, REQUESTS_PATH), renderRequests().replace('expect 404', 'expect 200'));

    const { code, stderr } = await runCommand(CLI, ['--check', '--root', root]);

    expect(code).toBe(1);
    expect(stderr).toContain(`${REQUESTS_PATH} is stale`);
  });

  it("--check names the validator's findings in a document that is not valid OpenAPI", async () => {
    const root = await rootWith('broken', (document) => {
      delete document.info.title;
    });

    const { code, stderr } = await runCommand(CLI, ['--check', '--root', root]);

    expect(code).toBe(1);
    expect(stderr).toContain(`${DOCUMENT_PATH} is not a valid OpenAPI document either`);
    expect(stderr).toMatch(/\/info must have required property 'title'/);
  });

  it('--check exits 1 when the files do not exist', async () => {
    const { code, stderr } = await runCommand(CLI, ['--check', '--root', join(dir, 'empty')]);

    expect(code).toBe(1);
    expect(stderr).toContain(`${DOCUMENT_PATH} does not exist: run \`pnpm openapi\``);
    expect(stderr).toContain(`${REQUESTS_PATH} does not exist`);
  });
});

describe("the document's x-refinements", () => {
  const document = loadDocument();
  const check = documentChecker(document);
  const customer = ex.README_ORDER.customer;
  const refinementsOf = (field: string): string[] =>
    document.components.schemas.OrderRequest?.properties?.customer?.properties?.[field]?.['x-refinements'] ??
    [];

  // Each: an order JSON Schema accepts, the issue the API refuses it with, and the rule that says so.
  it.each([
    ['a name of spaces only', { name: '   ' }, 'must not be empty', 'trimmed of surrounding white space'],
    [
      'a lone surrogate',
      { name: 'Ada \ud800' },
      'must be well-formed Unicode',
      'must be well-formed Unicode',
    ],
    [
      'a control character',
      { name: 'Ada\u0007' },
      'must not contain control characters',
      'must not contain control characters',
    ],
    [
      'a zero-width space only',
      { name: '\u200b' },
      'must contain visible characters',
      'must contain visible characters',
    ],
    [
      'a phone of 2 digits',
      { phone: '12 ( )' },
      'must be a phone number (at least 4 digits)',
      'at least 4 digits',
    ],
  ])('say why %s, valid by JSON Schema, is refused', (_name, change, issue, rule) => {
    const order = { ...ex.README_ORDER, customer: { ...customer, ...change } };
    const field = Object.keys(change)[0] ?? '';

    expect(check.componentErrors('OrderRequest', order)).toEqual([]);
    expect(() => parseOrderRequest(order)).toThrow(
      expect.objectContaining({ issues: [{ path: `customer.${field}`, message: issue }] }),
    );
    expect(refinementsOf(field).some((refinement) => refinement.includes(rule))).toBe(true);
  });
});
