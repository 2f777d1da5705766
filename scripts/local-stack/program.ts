import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EXIT, UsageError } from '@order-pipeline/common/cli';
import {
  BASE_PORT_ENV,
  readStackInfo,
  StackFileError,
  type StackInfo,
  stackFile,
  stateDirFor,
} from '@order-pipeline/local-aws/stack-file';
import { DEFAULT_PORTS, parseBasePort, portsFromBase, type StackPorts } from './ports';

// The exit codes and the usage error of every command (pnpm dlq and pnpm stores use them too).
export { EXIT, UsageError };

const isUsageError = (error: unknown): boolean =>
  error instanceof UsageError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');

/**
 * The frame of the local stack's commands (start, stop, status): runs `main`, maps a usage error
 * to exit 2 with the usage, any other error to exit 1 with its message.
 */
export const runProgram = (usage: string, main: (argv: string[]) => Promise<number>): void => {
  divertSdkWarning();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Nothing should be left running; if a stray handle is, it must not keep the command alive.
      setTimeout(() => process.exit(code), 2000).unref();
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (isUsageError(error)) {
        process.stderr.write(`error: ${message}\n\n${usage}\n`);
        process.exitCode = EXIT.usage;
      } else {
        process.stderr.write(`error: ${message}\n`);
        process.exitCode = EXIT.failed;
      }
    },
  );
};

/**
 * The AWS SDK v3 warns on Node < 22, nine lines, once per process (NodeVersionSupportWarning). A
 * command keeps it off the console: into `logFile` when given, else nowhere.
 */
export const divertSdkWarning = (logFile?: string): void => {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (`${text} ${String(rest[0])}`.includes('NodeVersionSupportWarning')) {
      if (logFile) {
        try {
          appendFileSync(logFile, `${text}\n`);
        } catch {
          // no log: drop it
        }
      }
      return;
    }
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
};

/** Which stack a command means: `--base-port` / LOCAL_STACK_BASE_PORT and `--state-dir`. */
export interface StackLocation {
  basePort: number | undefined;
  ports: StackPorts;
  stateDir: string;
  file: string;
}

export const stackLocation = (
  values: { 'base-port'?: string | undefined; 'state-dir'?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): StackLocation => {
  let basePort: number | undefined;
  try {
    if (values['base-port'] !== undefined) basePort = parseBasePort(values['base-port'], '--base-port');
    else if (env[BASE_PORT_ENV]) basePort = parseBasePort(env[BASE_PORT_ENV] ?? '', BASE_PORT_ENV);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const stateDir = values['state-dir'] ? resolve(values['state-dir']) : stateDirFor(basePort);
  const file = !values['state-dir'] && env.STACK_FILE ? env.STACK_FILE : stackFile(stateDir);
  return {
    basePort,
    ports: basePort === undefined ? DEFAULT_PORTS : portsFromBase(basePort),
    stateDir,
    file,
  };
};

/** The options every command takes to find its stack. */
export const LOCATION_OPTIONS = {
  'base-port': { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<T extends Options> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } & {
  'base-port'?: string;
  'state-dir'?: string;
};

/**
 * Parses a stack command's line: the location options, `--help` and the command's own `options`;
 * no positional arguments. Answers undefined after printing the usage for --help.
 */
export const parseStackCommand = <T extends Options>(
  argv: string[],
  name: string,
  usage: string,
  options: T,
): Values<T> | undefined => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...LOCATION_OPTIONS, help: { type: 'boolean', short: 'h' }, ...options },
  });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  if (positionals.length > 0) {
    throw new UsageError(`pnpm ${name} takes no arguments; got "${positionals.join(' ')}"`);
  }
  return values as Values<T>;
};

/** The stack file's facts, or undefined when there is none (no stack was started there). */
export const readStackFileIfAny = async (file: string): Promise<StackInfo | undefined> => {
  try {
    return await readStackInfo(file);
  } catch (error) {
    if (error instanceof StackFileError && error.reason === 'missing') return undefined;
    throw error;
  }
};
