import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mainOf, type OptionsTable, type Program, UsageError } from '@order-pipeline/common/cli';
import {
  BASE_PORT_ENV,
  readStackInfo,
  StackFileError,
  type StackInfo,
  stackFile,
  stateDirFor,
} from '@order-pipeline/local-aws/stack-file';
import { DEFAULT_PORTS, parseBasePort, portsFromBase, type StackPorts } from './ports';

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
  'base-port': {
    type: 'string',
    value: 'N',
    help: `the stack started with --base-port N (or ${BASE_PORT_ENV}=N)`,
  },
  'state-dir': { type: 'string', value: 'DIR', help: 'the stack started with --state-dir DIR' },
} as const satisfies OptionsTable;

/** The stack file's facts, or undefined when there is none (no stack was started there). */
export const readStackFileIfAny = async (file: string): Promise<StackInfo | undefined> => {
  try {
    return await readStackInfo(file);
  } catch (error) {
    if (error instanceof StackFileError && error.reason === 'missing') return undefined;
    throw error;
  }
};

/** A stack command's entry point: the frame's, with the SDK's Node version warning kept off the console. */
export const mainOfStackCommand = <O extends OptionsTable>(program: Program<O>): void => {
  divertSdkWarning();
  mainOf(program);
};
