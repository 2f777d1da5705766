import { getOrderHandler } from '../getOrderHandler';
import { getOrderSideEffects } from '../sideEffects';

// Lambda entry point (serverless.yml `src/handlers/getOrder.handler`), built at cold start: configuration
// errors fail the init phase loudly, and the clients are reused by every invocation.
export const handler = getOrderHandler(getOrderSideEffects());
