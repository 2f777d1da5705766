// One frame for every operator command (`pnpm start`, `pnpm produce`, `pnpm dlq`, ...): a command is
// described once (name, description, options table with each option's help), and that description
// is both what `node:util` parseArgs (strict) checks and what `--help` prints. Exit codes: 0 ok,
// 1 failure, 2 usage.
import { parseArgs } from 'node:util';

import { toError, UsageError } from '../errors';
import { consoleOutput, EXIT, type Output } from './output';

/** One option: what parseArgs needs, and the line `--help` prints for it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string;
  /** The value's name in the help (`--orders N`); string options only. */
  readonly value?: string;
  readonly help: string;
}

export type OptionsTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S['multiple'] extends true
    ? boolean[]
    : boolean
  : S['multiple'] extends true
    ? string[]
    : string;

/** The parsed options of a table: present when given (or defaulted). */
export type Values<O extends OptionsTable> = {
  -readonly [K in keyof O as O[K]['default'] extends string ? K : never]: ValueOf<O[K]>;
} & {
  -readonly [K in keyof O as O[K]['default'] extends string ? never : K]?: ValueOf<O[K]>;
};

export interface CommandSpec<O extends OptionsTable = OptionsTable> {
  /** How it is run, as the usage line starts: `pnpm start`, `pnpm dlq list`. */
  readonly name: string;
  /** The positional arguments in the usage line, e.g. `[orderId | traceId]`. */
  readonly args?: string;
  /** How many positional arguments it takes at most (default none). */
  readonly maxArgs?: number;
  readonly description: string;
  /** Its options; `-h, --help` is every command's and need not be listed. */
  readonly options: O;
  /** Text after the options (environment, exit codes, see also); may depend on the options given. */
  readonly notes?: string | ((values: Values<O> | undefined) => string);
}

/** parseArgs' own message (it names the option); its errors may come from another realm (jest's vm). */
const parseErrorMessage = (error: unknown): string => {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
};

const HELP_OPTION = { type: 'boolean', short: 'h', help: 'show this help' } as const satisfies OptionSpec;

const optionName = (name: string, spec: OptionSpec): string =>
  `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;

/** The options' lines, their help texts in one column (continuation lines of a help indented to it). */
export const optionLines = (options: OptionsTable): string[] => {
  const entries = Object.entries({ ...options, help: options.help ?? HELP_OPTION });
  const labels = entries.map(
    ([name, spec]) => `${spec.short ? `-${spec.short}, ` : ''}${optionName(name, spec)}`,
  );
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  return entries.map(
    ([, spec], index) =>
      `  ${(labels[index] ?? '').padEnd(width)}${spec.help.split('\n').join(`\n  ${' '.repeat(width)}`)}`,
  );
};

/** The usage line: the name, each option in brackets, then the positional arguments. */
const synopsis = (spec: CommandSpec<OptionsTable>): string => {
  const options = Object.entries(spec.options).map(([name, option]) => `[${optionName(name, option)}]`);
  return ['Usage:', spec.name, ...(spec.args ? [spec.args] : []), ...options, '[--help]'].join(' ');
};

/** A command's `--help`, generated from its description and options table. */
export const usageOf = <O extends OptionsTable>(spec: CommandSpec<O>, values?: Values<O>): string => {
  const notes = typeof spec.notes === 'function' ? spec.notes(values) : spec.notes;
  return [
    synopsis(spec as CommandSpec<OptionsTable>),
    '',
    spec.description,
    '',
    'Options:',
    ...optionLines(spec.options),
    ...(notes ? ['', notes] : []),
  ].join('\n');
};

export type ParsedLine<O extends OptionsTable> =
  | { help: true; values: Values<O> }
  | { help: false; values: Values<O>; positionals: string[] };

/** parseArgs, strict, over a table's options and `--help`; its errors become UsageErrors of `command`. */
export const strictParse = <O extends OptionsTable>(
  argv: readonly string[],
  options: O,
  command?: string,
) => {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: HELP_OPTION },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as unknown as Values<O> & { help?: boolean }, positionals };
  } catch (error) {
    throw new UsageError(parseErrorMessage(error), command);
  }
};

/**
 * parseArgs, strict, over the command's options and `--help`: an unknown option, a missing value or
 * too many arguments is a UsageError (parseArgs' own messages name the option).
 */
export const parseCommandLine = <O extends OptionsTable>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  command?: string,
): ParsedLine<O> => {
  const { values: parsed, positionals } = strictParse(argv, spec.options, command);
  const { help, ...values } = parsed;
  if (help === true) return { help: true, values: values as Values<O> };
  if (positionals.length > (spec.maxArgs ?? 0)) {
    throw new UsageError(
      spec.maxArgs
        ? `${spec.name} takes at most ${spec.maxArgs} argument${spec.maxArgs === 1 ? '' : 's'}; got "${positionals.join(' ')}"`
        : `${spec.name} takes no arguments; got "${positionals.join(' ')}"`,
      command,
    );
  }
  return { help: false, values: values as Values<O>, positionals };
};

/** A command: its description, and what it does with a parsed command line. */
export interface Program<O extends OptionsTable> extends CommandSpec<O> {
  run(line: { values: Values<O>; positionals: string[] }, output: Output): Promise<number>;
}

/** The usage error and its usage on `err`, in every command's words. */
export const printUsageError = (error: UsageError, usage: string, output: Output): number => {
  output.err(`error: ${error.message}\n`);
  output.err(usage);
  return EXIT.usage;
};

/**
 * Runs a command with its arguments, as a program does: `--help` prints the usage (exit 0), a
 * UsageError the message and the usage on `err` (exit 2), any other error its message (exit 1);
 * otherwise the command's own exit code.
 */
export const runCommand = async <O extends OptionsTable>(
  program: Program<O>,
  argv: readonly string[],
  output: Output = consoleOutput,
): Promise<number> => {
  try {
    const line = parseCommandLine(program, argv);
    if (line.help) {
      output.out(usageOf(program, line.values));
      return EXIT.ok;
    }
    return await program.run(line, output);
  } catch (error) {
    if (error instanceof UsageError) return printUsageError(error, usageOf(program), output);
    output.err(`error: ${toError(error).message}`);
    return EXIT.failed;
  }
};

/**
 * A command's entry point: runs it, sets the exit code it answers, and 1 for anything it threw. Once
 * it has answered, nothing should be left running: a stray handle must not keep the command alive.
 */
export const main = (run: () => Promise<number>, output: Output = consoleOutput): void => {
  const exit = (code: number) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  };
  run().then(exit, (error: unknown) => {
    output.err(`error: ${toError(error).message}`);
    exit(EXIT.failed);
  });
};

/** `main` for a single command: `runCommand(program, process.argv.slice(2))`. */
export const mainOf = <O extends OptionsTable>(program: Program<O>): void =>
  main(() => runCommand(program, process.argv.slice(2)));

/** `--stage` and `--region`: where a command that works on a stage (`pnpm dlq`, `pnpm stores`) runs. */
export const STAGE_OPTIONS = {
  stage: {
    type: 'string',
    value: '<stage>',
    help: `local (default: the running local stack, .local/stack.json) or a deployed
stage, reached with the AWS default credential chain`,
  },
  region: {
    type: 'string',
    value: '<region>',
    help: 'AWS region (default: AWS_REGION, else AWS_DEFAULT_REGION, else eu-west-1)',
  },
} as const satisfies OptionsTable;

/** A command of subcommands (`pnpm dlq list|show|redrive`): each described as a command of its own. */
export interface CommandGroup<C extends string> {
  /** How it is run: `pnpm dlq`. */
  readonly name: string;
  readonly description: string;
  /** Each subcommand, with the one line the general usage gives it. */
  readonly commands: Readonly<Record<C, CommandSpec & { readonly summary: string }>>;
  /** The options every subcommand takes, listed in the general usage. */
  readonly options: OptionsTable;
  readonly notes?: string;
}

/** The general usage of a group (its subcommands and shared options), or one subcommand's. */
export const groupUsageOf = <C extends string>(group: CommandGroup<C>, command?: C): string => {
  if (command !== undefined) return usageOf(group.commands[command]);
  const entries = Object.entries<CommandSpec & { summary: string }>(group.commands);
  const labels = entries.map(([name, spec]) => (spec.args ? `${name} ${spec.args}` : name));
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  return [
    `Usage: ${group.name} <command> [options]`,
    '',
    group.description,
    '',
    'Commands:',
    ...entries.map(([, spec], index) => `  ${(labels[index] ?? '').padEnd(width)}${spec.summary}`),
    '',
    'Options:',
    ...optionLines(group.options),
    '',
    ...(group.notes ? [group.notes] : []),
    `Run \`${group.name} <command> --help\` for a command's options.`,
  ].join('\n');
};

/**
 * Parses a group's command line; a UsageError is printed with the usage of its command (or the
 * general one) and answered as EXIT.usage, `--help` (`kind: 'help'`) as that usage and EXIT.ok.
 * Anything else is the parsed command, to run.
 */
export const parseOrAnswer = <C extends string, P extends { kind: string; command?: C | undefined }>(
  argv: readonly string[],
  parse: (argv: readonly string[]) => P,
  group: CommandGroup<C>,
  output: Output,
): Exclude<P, { kind: 'help' }> | number => {
  let parsed: P;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const command = (Object.keys(group.commands) as C[]).find((name) => name === error.command);
    return printUsageError(error, groupUsageOf(group, command), output);
  }
  if (parsed.kind === 'help') {
    output.out(groupUsageOf(group, parsed.command));
    return EXIT.ok;
  }
  return parsed as Exclude<P, { kind: 'help' }>;
};
