import { parseArgs } from 'node:util';
import { DEAD_LETTER_CLASS, type DeadLetterClass } from '@order-pipeline/common';
import { type CommandTarget, strictParse } from '@order-pipeline/common/cli';
import { DEAD_LETTER_STATUS, type DeadLetterStatus } from '../deadLetter';
import { UsageError } from '../errors';
import type { ListFilter } from './list';
import { DEFAULT_MAX_REDRIVES, RETRIES_EXHAUSTED, type RedriveSelection } from './redrive';
import { LOCAL_STAGE } from './stage';
import { COMMAND_OPTIONS, COMMANDS, type CommandName } from './usage';

type Target = CommandTarget;

export type ParsedCommand =
  | { kind: 'help'; command?: CommandName }
  | (Target & { kind: 'list'; filter: ListFilter; json: boolean })
  | (Target & { kind: 'show'; messageId: string; unmask: boolean })
  | (Target & { kind: 'redrive'; selection: RedriveSelection; maxRedrives: number; dryRun: boolean });

const CLASSES: readonly string[] = Object.values(DEAD_LETTER_CLASS);
const STATUSES: readonly string[] = Object.values(DEAD_LETTER_STATUS);

const isCommand = (value: string | undefined): value is CommandName =>
  (COMMANDS as readonly string[]).includes(value ?? '');

const classification = (value: string, command: CommandName): DeadLetterClass => {
  if (!CLASSES.includes(value)) {
    throw new UsageError(`--class must be one of ${CLASSES.join(', ')}; got "${value}"`, command);
  }
  return value as DeadLetterClass;
};

const status = (value: string): DeadLetterStatus => {
  if (!STATUSES.includes(value)) {
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}; got "${value}"`, 'list');
  }
  return value as DeadLetterStatus;
};

const integer = (value: string, option: string, command: CommandName, min: number): number => {
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`${option} must be an integer of at least ${min}; got "${value}"`, command);
  }
  return Number(value);
};

const isoTime = (value: string, option: string): Date => {
  // Date.parse accepts far more than ISO 8601; insist on a date, optionally with a time.
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(time)) {
    throw new UsageError(
      `${option} must be an ISO 8601 time such as 2026-11-22T10:00:00Z; got "${value}"`,
      'list',
    );
  }
  return new Date(time);
};

const optional = <T>(value: string | undefined, parse: (value: string) => T): T | undefined =>
  value === undefined ? undefined : parse(value);

/** Finds the subcommand wherever it stands among the options (`--stage prod list` works too). */
const findCommand = (argv: readonly string[]): string | undefined => {
  const allOptions = { ...COMMAND_OPTIONS.list, ...COMMAND_OPTIONS.show, ...COMMAND_OPTIONS.redrive };
  const { positionals } = parseArgs({
    args: [...argv],
    options: { ...allOptions, help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
  });
  return positionals[0];
};

const redriveSelection = (values: {
  'message-id'?: string[] | undefined;
  class?: string | undefined;
  'all-retries-exhausted'?: boolean | undefined;
}): RedriveSelection => {
  const chosen = [
    values['message-id'] === undefined
      ? undefined
      : ({ kind: 'messageIds', messageIds: values['message-id'] } as const),
    optional(
      values.class,
      (value) => ({ kind: 'class', classification: classification(value, 'redrive') }) as const,
    ),
    values['all-retries-exhausted'] ? RETRIES_EXHAUSTED : undefined,
  ].filter((selection) => selection !== undefined);
  const [selection, ...others] = chosen;
  if (selection === undefined || others.length > 0) {
    throw new UsageError(
      'choose what to redrive with exactly one of --message-id (repeatable), --class or --all-retries-exhausted',
      'redrive',
    );
  }
  if (selection.kind === 'messageIds' && selection.messageIds.some((id) => id.trim() === '')) {
    throw new UsageError('--message-id must not be empty', 'redrive');
  }
  return selection;
};

const targetOf = (
  values: { stage?: string | undefined; region?: string | undefined },
  command: CommandName,
): Target => {
  const stage = values.stage ?? LOCAL_STAGE;
  if (stage.trim() === '') throw new UsageError('--stage must not be empty', command);
  return { stage, region: values.region };
};

const noArguments = (positionals: readonly string[], command: CommandName): void => {
  const args = positionals.slice(1);
  if (args.length > 0)
    throw new UsageError(`${command} takes no arguments; got "${args.join(' ')}"`, command);
};

const parseList = (argv: readonly string[]): ParsedCommand => {
  const { values, positionals } = strictParse(argv, COMMAND_OPTIONS.list, 'list');
  if (values.help) return { kind: 'help', command: 'list' };
  noArguments(positionals, 'list');
  const filter: ListFilter = {
    classification: optional(values.class, (value) => classification(value, 'list')),
    storeId: optional(values.store, (value) => integer(value, '--store', 'list', 1)),
    since: optional(values.since, (value) => isoTime(value, '--since')),
    until: optional(values.until, (value) => isoTime(value, '--until')),
    status: optional(values.status, status),
  };
  if (filter.since && filter.until && filter.since >= filter.until) {
    throw new UsageError('--since must be before --until', 'list');
  }
  return { ...targetOf(values, 'list'), kind: 'list', filter, json: values.json === true };
};

const parseShow = (argv: readonly string[]): ParsedCommand => {
  const { values, positionals } = strictParse(argv, COMMAND_OPTIONS.show, 'show');
  if (values.help) return { kind: 'help', command: 'show' };
  const [messageId, ...extra] = positionals.slice(1);
  if (messageId === undefined || extra.length > 0)
    throw new UsageError('show takes exactly one message id', 'show');
  return { ...targetOf(values, 'show'), kind: 'show', messageId, unmask: values.unmask === true };
};

const parseRedrive = (argv: readonly string[]): ParsedCommand => {
  const { values, positionals } = strictParse(argv, COMMAND_OPTIONS.redrive, 'redrive');
  if (values.help) return { kind: 'help', command: 'redrive' };
  noArguments(positionals, 'redrive');
  return {
    ...targetOf(values, 'redrive'),
    kind: 'redrive',
    selection: redriveSelection(values),
    maxRedrives:
      optional(values['max-redrives'], (value) => integer(value, '--max-redrives', 'redrive', 0)) ??
      DEFAULT_MAX_REDRIVES,
    dryRun: values['dry-run'] === true,
  };
};

/** Parses `pnpm dlq` arguments; throws UsageError (exit 2) with a message naming what is wrong. */
export const parseCommand = (argv: readonly string[]): ParsedCommand => {
  const name = findCommand(argv);
  if (name === undefined) {
    if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
    throw new UsageError('missing command: list, show or redrive');
  }
  if (!isCommand(name)) throw new UsageError(`unknown command "${name}"; expected list, show or redrive`);

  if (name === 'list') return parseList(argv);
  if (name === 'show') return parseShow(argv);
  return parseRedrive(argv);
};
