import { isStoreId } from '@order-pipeline/common';
import { type CommandTarget, strictParse, UsageError } from '@order-pipeline/common/cli';
import { LOCAL_STAGE } from './stage';
import { ADD_OPTIONS, COMMANDS, type CommandName, LIST_OPTIONS } from './usage';

export { COMMANDS, type CommandName };

type Target = CommandTarget;

export type ParsedCommand =
  | { kind: 'help'; command?: CommandName }
  | (Target & { kind: 'list'; json: boolean })
  | (Target & { kind: 'add'; storeId: number; name: string; closed: boolean })
  | (Target & { kind: 'open' | 'close' | 'rotate-key'; storeId: number });

/** Every command's options, parsed at once; each command then refuses the others' own. */
const OPTIONS = { ...LIST_OPTIONS, ...ADD_OPTIONS } as const;

/** Which options each command takes besides --stage, --region and --help. */
const OWN_OPTIONS: Record<CommandName, readonly string[]> = {
  list: ['json'],
  add: ['name', 'closed'],
  open: [],
  close: [],
  'rotate-key': [],
};

const isCommand = (value: string | undefined): value is CommandName =>
  (COMMANDS as readonly string[]).includes(value ?? '');

const storeIdOf = (value: string | undefined, command: CommandName): number => {
  const storeId = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || !isStoreId(storeId)) {
    throw new UsageError(`${command} needs a store id (a positive integer); got "${value ?? ''}"`, command);
  }
  return storeId;
};

/** `pnpm stores <command> [storeId] [options]`; throws UsageError for anything else. */
export const parseCommand = (argv: readonly string[]): ParsedCommand => {
  const { values, positionals } = strictParse(argv, OPTIONS);
  const [name, ...args] = positionals;
  if (name === undefined) {
    if (values.help) return { kind: 'help' };
    throw new UsageError(`missing command: ${COMMANDS.join(', ')}`);
  }
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"; expected ${COMMANDS.join(', ')}`);
  if (values.help) return { kind: 'help', command: name };
  for (const option of ['json', 'name', 'closed'] as const) {
    if (values[option] !== undefined && !OWN_OPTIONS[name].includes(option)) {
      throw new UsageError(`${name} takes no --${option}`, name);
    }
  }
  const stage = (values.stage ?? LOCAL_STAGE).trim();
  if (stage === '') throw new UsageError('--stage must not be empty', name);
  const target = { stage, region: values.region };
  if (name === 'list') {
    if (args.length > 0) throw new UsageError(`list takes no arguments; got "${args.join(' ')}"`, name);
    return { ...target, kind: 'list', json: values.json === true };
  }
  if (args.length > 1) throw new UsageError(`${name} takes one store id; got "${args.join(' ')}"`, name);
  const storeId = storeIdOf(args[0], name);
  if (name === 'add') {
    const storeName = values.name?.trim() ?? '';
    if (storeName === '') throw new UsageError('add needs --name <name>', name);
    return { ...target, kind: 'add', storeId, name: storeName, closed: values.closed === true };
  }
  return { ...target, kind: name, storeId };
};
