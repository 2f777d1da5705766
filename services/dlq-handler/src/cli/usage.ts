import { DEAD_LETTER_CLASS } from '@order-pipeline/common';
import { type CommandGroup, type OptionsTable, STAGE_OPTIONS } from '@order-pipeline/common/cli';
import { DEFAULT_MAX_REDRIVES } from './redrive';

const CLASSES = Object.values(DEAD_LETTER_CLASS).join(', ');

export const COMMANDS = ['list', 'show', 'redrive'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const COMMAND_OPTIONS = {
  list: {
    class: { type: 'string', value: '<class>', help: CLASSES },
    store: { type: 'string', value: '<id>', help: 'store id' },
    since: {
      type: 'string',
      value: '<time>',
      help: 'archived at or after this ISO 8601 time, e.g. 2026-11-22T10:00:00Z',
    },
    until: { type: 'string', value: '<time>', help: 'archived before this ISO 8601 time' },
    status: { type: 'string', value: '<status>', help: 'ARCHIVED or REDRIVEN' },
    json: { type: 'boolean', help: 'JSON instead of a table' },
    ...STAGE_OPTIONS,
  },
  show: {
    unmask: {
      type: 'boolean',
      help: 'show personal data (customer name, e-mail, phone, address); masked by default',
    },
    ...STAGE_OPTIONS,
  },
  redrive: {
    'message-id': {
      type: 'string',
      multiple: true,
      value: '<id>',
      help: 'a dead letter to redrive; repeat for several',
    },
    class: { type: 'string', value: '<class>', help: `every ARCHIVED dead letter of a class: ${CLASSES}` },
    'all-retries-exhausted': { type: 'boolean', help: 'every ARCHIVED retries-exhausted dead letter' },
    'max-redrives': {
      type: 'string',
      value: '<n>',
      help: `refuse a message already redriven n times (default ${DEFAULT_MAX_REDRIVES})`,
    },
    'dry-run': { type: 'boolean', help: 'print what would be redriven; send and change nothing' },
    ...STAGE_OPTIONS,
  },
} as const satisfies Record<CommandName, OptionsTable>;

/** `pnpm dlq`: its commands, their options and help, in one place. */
export const DLQ_CLI: CommandGroup<CommandName> = {
  name: 'pnpm dlq',
  description: "Inspect and redrive the orders' dead letters archived by dlq-handler.",
  options: STAGE_OPTIONS,
  notes: 'Exit codes: 0 done, 1 failed, 2 bad arguments.',
  commands: {
    list: {
      name: 'pnpm dlq list',
      summary: 'list dead letters (filters, table or --json)',
      description: 'Lists archived dead letters, oldest first. No body or attributes are shown.',
      options: COMMAND_OPTIONS.list,
    },
    show: {
      name: 'pnpm dlq show',
      args: '<messageId>',
      maxArgs: 1,
      summary: 'one dead letter in full, personal data masked unless --unmask',
      description: 'Prints one dead letter: its fields, message attributes and body (indented JSON).',
      options: COMMAND_OPTIONS.show,
    },
    redrive: {
      name: 'pnpm dlq redrive',
      summary: 'send dead letters back to the orders queue',
      description: `Re-sends ARCHIVED dead letters to the orders queue with their original attributes and trace header,
plus redrive_count (previous + 1), and marks them REDRIVEN. Fix the cause first (e.g. open the store).
A redriven order that was in fact already processed stays one order (the consumer writes conditionally).
Choose them with exactly one of --message-id (repeatable), --class or --all-retries-exhausted.`,
      options: COMMAND_OPTIONS.redrive,
      notes: 'Prints a summary (redriven, refused, failed); exits 1 when any redrive failed.',
    },
  },
};
