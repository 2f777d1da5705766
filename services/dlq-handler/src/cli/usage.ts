import { DEAD_LETTER_CLASS } from '@order-pipeline/common';
import type { CommandName } from './args';
import { DEFAULT_MAX_REDRIVES } from './redrive';

const CLASSES = Object.values(DEAD_LETTER_CLASS).join(', ');

const TARGET_OPTIONS = `  --stage <stage>   local (default: the running local stack, .local/stack.json) or a deployed
                    stage, reached with the AWS default credential chain
  --region <region> AWS region (default: AWS_REGION, else AWS_DEFAULT_REGION, else eu-west-1)
  -h, --help        this help`;

const GENERAL = `Usage: pnpm dlq <command> [options]

Inspect and redrive the orders' dead letters archived by dlq-handler.

Commands:
  list              list dead letters (filters, table or --json)
  show <messageId>  one dead letter in full, personal data masked unless --unmask
  redrive           send dead letters back to the orders queue

Options:
${TARGET_OPTIONS}

Run \`pnpm dlq <command> --help\` for a command's options. Exit codes: 0 done, 1 failed, 2 bad arguments.`;

const COMMAND_USAGE: Record<CommandName, string> = {
  list: `Usage: pnpm dlq list [options]

Lists archived dead letters, oldest first. No body or attributes are shown.

Options:
  --class <class>   ${CLASSES}
  --store <id>      store id
  --since <time>    archived at or after this ISO 8601 time, e.g. 2026-11-22T10:00:00Z
  --until <time>    archived before this ISO 8601 time
  --status <status> ARCHIVED or REDRIVEN
  --json            JSON instead of a table
${TARGET_OPTIONS}`,
  show: `Usage: pnpm dlq show <messageId> [options]

Prints one dead letter: its fields, message attributes and body (indented JSON).

Options:
  --unmask          show personal data (customer name, e-mail, phone, address); masked by default
${TARGET_OPTIONS}`,
  redrive: `Usage: pnpm dlq redrive (--message-id <id>... | --class <class> | --all-retries-exhausted) [options]

Re-sends ARCHIVED dead letters to the orders queue with their original attributes and trace header,
plus redrive_count (previous + 1), and marks them REDRIVEN. Fix the cause first (e.g. open the store).
A redriven order that was in fact already processed stays one order (the consumer writes conditionally).

Options:
  --message-id <id>         a dead letter to redrive; repeat for several
  --class <class>           every ARCHIVED dead letter of a class: ${CLASSES}
  --all-retries-exhausted   every ARCHIVED retries-exhausted dead letter
  --max-redrives <n>        refuse a message already redriven n times (default ${DEFAULT_MAX_REDRIVES})
  --dry-run                 print what would be redriven; send and change nothing
${TARGET_OPTIONS}

Prints a summary (redriven, refused, failed); exits 1 when any redrive failed.`,
};

export const usage = (command?: CommandName): string =>
  command === undefined ? GENERAL : COMMAND_USAGE[command];
