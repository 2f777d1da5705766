import { authorizeStoreHandler } from '../authorizeStoreHandler';
import { authorizeStoreSideEffects } from '../authorizeStoreSideEffects';

// Lambda entry point (serverless.yml `src/handlers/authorizeStore.handler`), built at cold start: configuration
// errors fail the init phase loudly, and the clients are reused by every invocation.
export const handler = authorizeStoreHandler(authorizeStoreSideEffects());
