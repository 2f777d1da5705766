import { OrderPipelineError } from '@order-pipeline/common';

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

/** `--stage local` was asked for but the local stack's description file is missing or unreadable. */
export class LocalStackError extends OrderPipelineError {
  constructor(
    message: string,
    readonly stackFile: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An item of the dead-letters table is not shaped like a dead letter (written by something else). */
export class DeadLetterItemError extends OrderPipelineError {
  constructor(
    message: string,
    readonly item: unknown,
  ) {
    super(message);
  }
}
