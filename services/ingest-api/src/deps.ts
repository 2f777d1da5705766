import type { inSpan } from '@order-pipeline/common/tracing';

/** Runs work inside an X-Ray span (`inSpan` from @order-pipeline/common/tracing). */
export type Tracer = typeof inSpan;

/** The logging the request logic does (Powertools' Logger, masking personal data, satisfies it). */
export interface Log {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What every route needs besides its AWS resource; real ones in sideEffects/runtime.ts. */
export interface RuntimeDeps {
  trace: Tracer;
  uuid(): string;
  now(): Date;
  log: Log;
}

/** An error's name, message and stack as plain fields (log lines are JSON). */
export const errorDetails = (error: unknown): Record<string, unknown> =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { message: String(error) };
