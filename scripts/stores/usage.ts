import { STORE_CACHE_TTL_MS } from '@order-pipeline/common';
import { type CommandGroup, STAGE_OPTIONS } from '@order-pipeline/common/cli';

const TTL = `${STORE_CACHE_TTL_MS / 1000} s`;

export const COMMANDS = ['list', 'add', 'open', 'close', 'rotate-key'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const LIST_OPTIONS = {
  json: { type: 'boolean', help: 'one JSON array instead of a table' },
  ...STAGE_OPTIONS,
} as const;

export const ADD_OPTIONS = {
  name: { type: 'string', value: '<name>', help: "the store's name (required)" },
  closed: { type: 'boolean', help: 'add it closed (open it later with `pnpm stores open`)' },
  ...STAGE_OPTIONS,
} as const;

/** `pnpm stores`: its commands, their options and help, in one place. */
export const STORES_CLI: CommandGroup<CommandName> = {
  name: 'pnpm stores',
  description:
    'Manage the stores registry: which stores exist, whether they take orders, and their API keys.',
  options: STAGE_OPTIONS,
  notes: `Changes take effect within ${TTL} (each function caches the registry that long).
Exit codes: 0 done, 1 failed, 2 bad arguments.`,
  commands: {
    list: {
      name: 'pnpm stores list',
      summary: 'every store: id, name, status, key id (never a key value)',
      description: 'Lists every store by id: name, status, the identity of its API key, last change.',
      options: LIST_OPTIONS,
    },
    add: {
      name: 'pnpm stores add',
      args: '<storeId>',
      summary: 'a new store with its own API key (shown once), named by --name <name>',
      description: `Adds a store with its own API key and prints the key once (it is stored only as a hash). On AWS the
key is an API Gateway key in the stage's stores usage plan: its own throttle and quota.`,
      options: ADD_OPTIONS,
    },
    open: {
      name: 'pnpm stores open',
      args: '<storeId>',
      summary: 'the store takes orders again',
      description: `Opens a store: its orders are accepted again within ${TTL}.`,
      options: STAGE_OPTIONS,
    },
    close: {
      name: 'pnpm stores close',
      args: '<storeId>',
      summary: "the store's orders are refused (403 store-closed at ingest)",
      description: `Closes a store: within ${TTL} ingest answers its POSTs 403 store-closed, and the consumer dead-letters
its orders still queued as store-not-open. Its GETs are still answered.`,
      options: STAGE_OPTIONS,
    },
    'rotate-key': {
      name: 'pnpm stores rotate-key',
      args: '<storeId>',
      summary: 'a new API key (shown once); the old one is retired',
      description: `Gives a store a new API key, printed once, and retires the old one (on AWS it is deleted from API
Gateway; everywhere it stops naming the store within ${TTL}).`,
      options: STAGE_OPTIONS,
    },
  },
};
