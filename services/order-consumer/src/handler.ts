import { createHandler } from './batchHandler';
import { readConfig } from './config';
import { createDependencies } from './dependencies';

// Built at cold start: configuration errors fail the init phase loudly, and the AWS clients are
// reused by every invocation of this execution environment.
export const handler = createHandler(createDependencies(readConfig()));
