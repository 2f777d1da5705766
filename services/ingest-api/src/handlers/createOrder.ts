import { createOrderHandler } from '../createOrderHandler';
import { createOrderSideEffects } from '../sideEffects';

// Lambda entry point (serverless.yml `src/handlers/createOrder.handler`), built at cold start: configuration
// errors fail the init phase loudly, and the clients are reused by every invocation.
export const handler = createOrderHandler(createOrderSideEffects());
