import { buildHandler } from './buildHandler';
import { dependencies } from './sideEffects';

/** Lambda entry point (serverless.yml `src/handler.handler`); configuration is read at cold start. */
export const handler = buildHandler(dependencies());
