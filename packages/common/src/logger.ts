import { Logger } from '@aws-lambda-powertools/logger';
import { maskingReplacer } from './masking';

export type { Logger } from '@aws-lambda-powertools/logger';

/**
 * A structured JSON logger (Powertools) that masks personal data in every line it writes,
 * whatever object the caller passes. Level from POWERTOOLS_LOG_LEVEL, default INFO.
 */
export const createLogger = (serviceName: string): Logger =>
  new Logger({
    serviceName,
    jsonReplacerFn: maskingReplacer,
  });
