import { OrderPipelineError } from '@order-pipeline/common/errors';

/** The stack file is missing (`missing`: the stack is not running) or not what the stack writes. */
export class StackFileError extends OrderPipelineError {
  constructor(
    message: string,
    readonly file: string,
    readonly reason: 'missing' | 'invalid',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
