import { OrderPipelineError } from '@order-pipeline/common';

// Every command's UsageError (the CLI frame's): kept importable from here for the dlq CLI.
export { UsageError } from '@order-pipeline/common/cli';

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

/** A redrive was sent, but the dead letter was no longer ARCHIVED when it was to be marked REDRIVEN. */
export class RedriveConflictError extends OrderPipelineError {
  constructor(
    readonly messageId: string,
    readonly redrivenMessageId: string,
  ) {
    super(`sent as ${redrivenMessageId}, but someone else redrove it meanwhile`);
  }
}

/** An AWS call answered without a field it always returns (the CLI cannot go on without it). */
export class IncompleteAnswerError extends OrderPipelineError {
  constructor(
    readonly operation: string,
    readonly missing: string,
    detail = '',
  ) {
    super(`${operation}${detail} answered no ${missing}`);
  }
}
