/** Base of every error this project throws on purpose; `name` is the subclass's name. */
export class OrderPipelineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `items.0.quantity`; `(root)` for the value itself. */
  readonly path: string;
  readonly message: string;
}

/** The value is not an Order; `issues` names every offending field, not only the first. */
export class OrderValidationError extends OrderPipelineError {
  constructor(readonly issues: readonly FieldIssue[]) {
    super(`invalid order: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

/** An SQS message attribute breaks SQS's rules or this project's contract. */
export class MessageAttributeError extends OrderPipelineError {
  constructor(
    message: string,
    readonly attributeName?: string,
  ) {
    super(message);
  }
}

/** A string that is not a valid X-Ray trace header; it is never forwarded. */
export class TraceHeaderError extends OrderPipelineError {
  constructor(
    message: string,
    readonly header: string,
  ) {
    super(message);
  }
}

/** A required environment variable is missing or malformed. */
export class ConfigurationError extends OrderPipelineError {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
  }
}

/** An item of the orders table that is not an order record: written by something else, reported, never guessed at. */
export class StoredItemError extends OrderPipelineError {}

/** An item of the stores table that is not a store record (written by something else). */
export class StoreRecordError extends OrderPipelineError {}

/** An orders-table item changed under every one of a write's conditional attempts (ordersTable.ts). */
export class OrderWriteContentionError extends OrderPipelineError {
  constructor(readonly attempts: number) {
    super(`the orders table item kept changing during ${attempts} conditional writes`);
  }
}

/** Narrows an unknown thrown value to an Error, wrapping anything else. */
export const toError = (thrown: unknown): Error =>
  thrown instanceof Error ? thrown : new OrderPipelineError(String(thrown), { cause: thrown });

/** A command line was wrong (unknown option, missing value): the command prints usage and exits 2. */
export class UsageError extends OrderPipelineError {
  constructor(
    message: string,
    /** The subcommand whose usage to print; the general usage when undefined. */
    readonly command?: string,
  ) {
    super(message);
  }
}
