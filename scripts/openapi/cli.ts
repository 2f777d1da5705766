// `pnpm openapi`: writes (or, with --check, checks) the ingest API's OpenAPI document.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { EXIT, mainOf, type Output, type Program, runCommand, UsageError } from '@order-pipeline/common/cli';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { buildDocument, DOCUMENT_PATH, renderDocument } from './document';
import { REQUESTS_PATH, renderRequests } from './requests';
import { validateDocument } from './validate';

const OPTIONS = {
  check: {
    type: 'boolean',
    help: 'write nothing: exit 1 when a file is stale or the document invalid, 0 when up to date',
  },
  root: {
    type: 'string',
    value: '<dir>',
    help: `write or check <dir>/${DOCUMENT_PATH} and <dir>/${REQUESTS_PATH} (default: the repository)`,
  },
} as const;

export const openApiCommand: Program<typeof OPTIONS> = {
  name: 'pnpm openapi',
  description: `Writes the ingest API's OpenAPI 3.1 document, generated from the shared Order schema and the
service's own codes and limits, to ${DOCUMENT_PATH}, after validating it against the OpenAPI 3.1
specification (@seriousme/openapi-schema-validator), and the README's calls with the local stack's
keys to ${REQUESTS_PATH} (VS Code REST Client, JetBrains HTTP client). Never edit either by hand.`,
  options: OPTIONS,
  notes: 'Exit codes: 0 done (or up to date), 1 stale or invalid, 2 bad arguments.',
  run: ({ values }, output) => {
    if (values.root === '') throw new UsageError('--root needs a directory');
    return writeOrCheck({ check: values.check === true, root: resolve(values.root ?? REPO_ROOT) }, output);
  },
};

const readIfPresent = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** Why a file on disk is not a valid document, or undefined when it is one. */
const problemsOf = async (text: string): Promise<string[] | undefined> => {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return ['not JSON'];
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    return ['not a JSON object'];
  const validation = await validateDocument(document as Record<string, unknown>);
  return validation.valid ? undefined : validation.errors;
};

/** `pnpm openapi <argv>`, its output on `output`; answers the exit code. */
export const runOpenApiCli = (argv: readonly string[], output: Output): Promise<number> =>
  runCommand(openApiCommand, argv, output);

const writeOrCheck = async (parsed: { check: boolean; root: string }, output: Output): Promise<number> => {
  const document = buildDocument();
  const validation = await validateDocument(document);
  if (!validation.valid) {
    output.err(`the generated document is not valid OpenAPI ${validation.version ?? '?'}:`);
    for (const error of validation.errors) output.err(`  ${error}`);
    return EXIT.failed;
  }
  const operations = Object.values(document.paths).flatMap((path) => Object.keys(path)).length;
  const schemas = Object.keys(document.components.schemas).length;
  const summary = `OpenAPI ${document.openapi}, ${operations} operations, ${schemas} schemas: valid OpenAPI ${validation.version} (@seriousme/openapi-schema-validator)`;
  const files = [
    { path: DOCUMENT_PATH, text: renderDocument(), isDocument: true },
    { path: REQUESTS_PATH, text: renderRequests(), isDocument: false },
  ];
  if (!parsed.check) {
    // Both files first, then the report: output that cannot be written (a closed pipe) leaves no file behind.
    for (const file of files) {
      const target = join(parsed.root, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.text);
    }
    output.out(summary);
    for (const file of files) output.out(`wrote ${file.path}`);
    return EXIT.ok;
  }
  output.out(summary);
  let failed = false;
  for (const file of files) {
    const current = await readIfPresent(join(parsed.root, file.path));
    if (current === file.text) {
      output.out(`${file.path} is up to date`);
      continue;
    }
    failed = true;
    output.err(
      current === undefined
        ? `${file.path} does not exist: run \`pnpm openapi\``
        : `${file.path} is stale (it differs from what the schema, routes and examples generate): run \`pnpm openapi\``,
    );
    const problems = current === undefined || !file.isDocument ? undefined : await problemsOf(current);
    if (problems) {
      output.err(`${file.path} is not a valid OpenAPI document either:`);
      for (const problem of problems) output.err(`  ${problem}`);
    }
  }
  return failed ? EXIT.failed : EXIT.ok;
};

if (require.main === module) mainOf(openApiCommand);
