// The frame every operator command shares (`pnpm dlq`, `pnpm stores`): exit codes, output, usage
// errors, strict argument parsing, the AWS region rule and the failure messages. A subpath of its own
// (`@order-pipeline/common/cli`): no Lambda bundle imports it.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { OrderPipelineError, toError } from '../errors';

// The region rule is common/region's, the one serverless.shared.yml uses too: re-exported so a command
// takes its whole frame from one import.
export { DEFAULT_REGION, resolveRegion } from '../region';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where a parsed command runs: `--stage` and `--region` as given. */
export interface CommandTarget {
  stage: string;
  region: string | undefined;
}

/** The command line was wrong (unknown option, missing value): the CLI prints usage and exits 2. */
export class UsageError extends OrderPipelineError {
  constructor(
    message: string,
    /** The subcommand whose usage to print; the general usage when undefined. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Where a command writes: results on `out`, diagnostics on `err` (so `--json` output stays pipeable). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A plain text table: one header row, columns padded to their widest cell. */
export const formatTable = (headers: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
};

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, strict, its errors (which name the option) turned into UsageErrors of `command`. */
export const strictParse = <O extends OptionsConfig>(
  argv: readonly string[],
  options: O,
  command?: string,
) => {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(toError(error).message, command);
  }
};

/**
 * Parses a command line; a UsageError is printed with the usage of its command (or the general one)
 * and answered as EXIT.usage, `--help` (`kind: 'help'`) as that usage and EXIT.ok. Anything else is
 * the parsed command, to run.
 */
export const parseOrAnswer = <C extends string, P extends { kind: string; command?: C | undefined }>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => P,
  commands: readonly C[],
  usage: (command?: C) => string,
  output: Output,
): Exclude<P, { kind: 'help' }> | number => {
  let parsed: P;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`error: ${error.message}\n`);
    const command = commands.find((name) => name === error.command);
    output.err(usage(command));
    return EXIT.usage;
  }
  if (parsed.kind === 'help') {
    output.out(usage(parsed.command));
    return EXIT.ok;
  }
  return parsed as Exclude<P, { kind: 'help' }>;
};

/** An error's message, with a hint when the local stack does not answer or AWS credentials are missing. */
export const describeFailure = (
  error: Error,
  target: { stage: string; localEndpoints?: readonly string[] } | undefined,
): string => {
  const code = (error as { code?: unknown }).code;
  if (target?.localEndpoints && (code === 'ECONNREFUSED' || error.message.includes('ECONNREFUSED'))) {
    return `cannot reach the local stack (${target.localEndpoints.join(', ')}): is \`pnpm start\` still running?`;
  }
  if (error.name === 'CredentialsProviderError') {
    return `${error.message}: stage ${target?.stage ?? '?'} uses the AWS default credential chain (AWS_PROFILE, environment variables, SSO, instance role)`;
  }
  return error.message;
};

/** A command's entry point: runs it, sets the exit code it answers, and 1 for anything it threw. */
export const runMain = (run: () => Promise<number>, output: Output = consoleOutput): void => {
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      output.err(`error: ${String(error)}`);
      process.exitCode = EXIT.failed;
    },
  );
};
