import { createOrderBatchHandler } from '../createOrderBatchHandler';
import { createOrderBatchSideEffects } from '../sideEffects';

// Lambda entry point (serverless.yml `src/handlers/createOrderBatch.handler`), built at cold start: configuration
// errors fail the init phase loudly, and the clients are reused by every invocation.
export const handler = createOrderBatchHandler(createOrderBatchSideEffects());
