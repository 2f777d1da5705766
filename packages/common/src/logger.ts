import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { maskPersonalData, maskText } from './redaction';

export type { Logger } from '@aws-lambda-powertools/logger';

export interface LoggerOptions {
  /**
   * Keys whose values the caller builds safe by construction (ids, outcomes, counts): written without
   * value scanning, as long as they are numbers, booleans or id-shaped strings; anything else under
   * them is masked like every other field. Keeps the per-record line of a hot loop cheap.
   */
  verbatimKeys?: readonly string[];
}

const ID_SHAPED = /^[A-Za-z0-9._:-]{0,128}$/;

const isVerbatim = (value: unknown): boolean =>
  value === undefined ||
  typeof value === 'number' ||
  typeof value === 'boolean' ||
  (typeof value === 'string' && ID_SHAPED.test(value));

/**
 * Powertools' standard keys, with the message and every attribute the caller adds passed through the
 * redaction module (so that `error.name` is kept in context, which a JSON replacer cannot see).
 */
class RedactingLogFormatter extends LogFormatter {
  constructor(private readonly verbatimKeys: ReadonlySet<string>) {
    super();
  }

  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: maskText(attributes.message),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    const masked: LogAttributes = {};
    for (const [key, value] of Object.entries(additional)) {
      if (this.verbatimKeys.has(key) && isVerbatim(value)) {
        masked[key] = value as LogAttributes[string];
        continue;
      }
      const plain = value instanceof Error ? this.formatError(value) : value;
      masked[key] = maskPersonalData(plain, key) as LogAttributes[string];
    }
    return new LogItem({ attributes: base }).addAttributes(masked);
  }
}

/**
 * A structured JSON logger (Powertools) that masks personal data in every line it writes, whatever
 * object the caller passes. Level from POWERTOOLS_LOG_LEVEL, default INFO.
 */
export const createLogger = (serviceName: string, options: LoggerOptions = {}): Logger =>
  new Logger({
    serviceName,
    logFormatter: new RedactingLogFormatter(new Set(options.verbatimKeys ?? [])),
  });
