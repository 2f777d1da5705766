export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line a recording logger was given. */
export interface LogLine<A = Record<string, unknown>> {
  level: LogLevel;
  message: string;
  attributes: A;
}

type Log<A> = (message: string, attributes?: A) => void;

/**
 * A `logger` dependency that keeps every line in `lines` instead of writing it: it satisfies the
 * services' logger interfaces (info, warn, error, debug with an attributes object). `A` types the
 * attributes where a service's logger takes typed fields.
 */
export const recordingLogger = <A = Record<string, unknown>>() => {
  const lines: LogLine<A>[] = [];
  const at =
    (level: LogLevel): Log<A> =>
    (message, attributes) => {
      lines.push({ level, message, attributes: attributes ?? ({} as A) });
    };
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
};
