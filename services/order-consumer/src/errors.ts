import { type DeadLetterClass, OrderPipelineError } from '@order-pipeline/common';

/**
 * The message can never be processed (see `inspectOrderMessage`). The record is reported as failed
 * every time, so the queue's redrive policy moves it to the DLQ after `maxReceiveCount` receives.
 */
export class PoisonMessageError extends OrderPipelineError {
  constructor(
    readonly classification: DeadLetterClass,
    readonly reason: string,
  ) {
    super(`poison message (${classification}): ${reason}`);
  }
}

/** A failure a later attempt may not meet; thrown by simulated `transient:N` faults. */
export class TransientError extends OrderPipelineError {}

/** A simulated bug (the `crash` fault): fails the record like any unexpected error. */
export class SimulatedCrashError extends OrderPipelineError {}
