// `pnpm openapi`: writes (or, with --check, checks) the ingest API's OpenAPI document.
import { readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import {
  consoleOutput,
  EXIT,
  type Output,
  parseOrAnswer,
  runMain,
  strictParse,
  UsageError,
} from '@order-pipeline/common/cli';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import { buildDocument, DOCUMENT_PATH, renderDocument } from './document';
import { validateDocument } from './validate';

const USAGE = `Usage: pnpm openapi [--check] [--out <file>]

Writes the ingest API's OpenAPI 3.1 document, generated from the shared Order schema and the
service's own codes and limits, to ${DOCUMENT_PATH}, after validating it against the OpenAPI 3.1
specification (@seriousme/openapi-schema-validator). Never edit that file by hand.

Options:
  --check        write nothing: exit 1 when the file is stale or invalid, 0 when it is up to date
  --out <file>   the file to write or check (default: ${DOCUMENT_PATH} in the repository)
  -h, --help     this help

Exit codes: 0 done (or up to date), 1 stale or invalid, 2 bad arguments.`;

type Parsed = { kind: 'help'; command?: undefined } | { kind: 'run'; check: boolean; out: string };

const parse = (argv: readonly string[]): Parsed => {
  const { values, positionals } = strictParse(argv, {
    check: { type: 'boolean' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { kind: 'help' };
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.out === '') throw new UsageError('--out needs a file name');
  return {
    kind: 'run',
    check: values.check === true,
    out: values.out === undefined ? resolve(REPO_ROOT, DOCUMENT_PATH) : resolve(values.out),
  };
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

export const runOpenApiCli = async (argv: readonly string[], output: Output): Promise<number> => {
  const parsed = parseOrAnswer(argv, parse, [], () => USAGE, output);
  if (typeof parsed === 'number') return parsed;
  const shown = relative(process.cwd(), parsed.out) || parsed.out;
  const document = buildDocument();
  const validation = await validateDocument(document);
  if (!validation.valid) {
    output.err(`the generated document is not valid OpenAPI ${validation.version ?? '?'}:`);
    for (const error of validation.errors) output.err(`  ${error}`);
    return EXIT.failed;
  }
  const text = renderDocument();
  const operations = Object.values(document.paths).flatMap((path) => Object.keys(path)).length;
  const summary = `OpenAPI ${document.openapi}, ${operations} operations, ${Object.keys(document.components.schemas).length} schemas; valid OpenAPI ${validation.version} (@seriousme/openapi-schema-validator)`;
  if (!parsed.check) {
    await writeFile(parsed.out, text);
    output.out(`wrote ${shown}: ${summary}`);
    return EXIT.ok;
  }
  const current = await readIfPresent(parsed.out);
  if (current === text) {
    output.out(`${shown} is up to date: ${summary}`);
    return EXIT.ok;
  }
  output.err(
    current === undefined
      ? `${shown} does not exist: run \`pnpm openapi\``
      : `${shown} is stale (it differs from what the schema and the routes generate): run \`pnpm openapi\``,
  );
  const problems = current === undefined ? undefined : await problemsOf(current);
  if (problems) {
    output.err(`${shown} is not a valid OpenAPI document either:`);
    for (const problem of problems) output.err(`  ${problem}`);
  }
  return EXIT.failed;
};

if (require.main === module) runMain(() => runOpenApiCli(process.argv.slice(2), consoleOutput));
