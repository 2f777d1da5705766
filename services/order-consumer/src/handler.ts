import { createHandler } from './createHandler';
import { sideEffects } from './sideEffects';

// Built at cold start: configuration errors fail the init phase loudly, and the AWS clients are
// reused by every invocation of this execution environment (serverless.yml `src/handler.handler`).
export const handler = createHandler(sideEffects());
