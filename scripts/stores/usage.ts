import { STORE_CACHE_TTL_MS } from '@order-pipeline/common';
import type { CommandName } from './args';

const TTL = `${STORE_CACHE_TTL_MS / 1000} s`;

const TARGET_OPTIONS = `  --stage <stage>   local (default: the running local stack, .local/stack.json) or a deployed
                    stage, reached with the AWS default credential chain
  --region <region> AWS region (default: AWS_REGION, else AWS_DEFAULT_REGION, else eu-west-1)
  -h, --help        this help`;

const GENERAL = `Usage: pnpm stores <command> [storeId] [options]

Manage the stores registry: which stores exist, whether they take orders, and their API keys.

Commands:
  list                         every store: id, name, status, key id (never a key value)
  add <storeId> --name <name>  a new store with its own API key (shown once)
  open <storeId>               the store takes orders again
  close <storeId>              the store's orders are refused (403 store-closed at ingest)
  rotate-key <storeId>         a new API key (shown once); the old one is retired

Options:
${TARGET_OPTIONS}

Changes take effect within ${TTL} (each function caches the registry that long).
Run \`pnpm stores <command> --help\` for a command's options. Exit codes: 0 done, 1 failed, 2 bad arguments.`;

const COMMAND_USAGE: Record<CommandName, string> = {
  list: `Usage: pnpm stores list [--json] [options]

Lists every store by id: name, status, the identity of its API key, last change.

  --json            one JSON array instead of a table
${TARGET_OPTIONS}`,
  add: `Usage: pnpm stores add <storeId> --name <name> [--closed] [options]

Adds a store with its own API key and prints the key once (it is stored only as a hash). On AWS the
key is an API Gateway key in the stage's stores usage plan: its own throttle and quota.

  --name <name>     the store's name (required)
  --closed          add it closed (open it later with \`pnpm stores open\`)
${TARGET_OPTIONS}`,
  open: `Usage: pnpm stores open <storeId> [options]

Opens a store: its orders are accepted again within ${TTL}.

${TARGET_OPTIONS}`,
  close: `Usage: pnpm stores close <storeId> [options]

Closes a store: within ${TTL} ingest answers its POSTs 403 store-closed, and the consumer dead-letters
its orders still queued as store-not-open. Its GETs are still answered.

${TARGET_OPTIONS}`,
  'rotate-key': `Usage: pnpm stores rotate-key <storeId> [options]

Gives a store a new API key, printed once, and retires the old one (on AWS it is deleted from API
Gateway; everywhere it stops naming the store within ${TTL}).

${TARGET_OPTIONS}`,
};

export const usage = (command?: CommandName): string =>
  command === undefined ? GENERAL : COMMAND_USAGE[command];
