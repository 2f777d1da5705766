// The stack's console: one line per event, prefixed with its source. Everything a service prints
// still goes to .local/logs/; the console leaves out what is noise to a developer unless --verbose.

export interface ConsoleOptions {
  /** Colour the prefix (a TTY). */
  color: boolean;
  /** Show every line, noise included. */
  verbose: boolean;
}

const COLORS: Record<string, number> = {
  stack: 1,
  'ingest-api': 36,
  'order-consumer': 32,
  'dlq-handler': 35,
};
const WIDTH = Math.max(...Object.keys(COLORS).map((name) => name.length));

/**
 * Drops the multi-line notice the AWS SDK v3 prints on Node < 22 (NodeVersionSupportWarning),
 * EMF metric documents (CloudWatch reads them from the logs; they are unreadable on a console),
 * blank lines and serverless-offline's route table. Stateful: the SDK notice spans lines.
 */
export const createNoiseFilter = () => {
  let inSdkNotice = false;
  return (line: string): boolean => {
    if (line.includes('NodeVersionSupportWarning')) {
      inSdkNotice = true;
      return true;
    }
    if (inSdkNotice) {
      if (line.startsWith('(Use `node --trace-warnings')) inSdkNotice = false;
      return true;
    }
    if (line.startsWith('(Use `node --trace-warnings')) return true;
    const trimmed = line.trim();
    if (trimmed === '') return true;
    if (trimmed.startsWith('{') && trimmed.includes('"_aws"') && trimmed.includes('CloudWatchMetrics'))
      return true;
    return /^[│┌└├─]/.test(trimmed);
  };
};

/** The one place console lines are formatted: `source | line`, the prefix coloured on a TTY. */
export const formatConsoleLine = (
  source: string,
  line: string,
  options: Pick<ConsoleOptions, 'color'>,
): string => {
  const prefix = source.padEnd(WIDTH);
  const shown = options.color ? `\u001b[${COLORS[source] ?? 33}m${prefix}\u001b[0m` : prefix;
  return `${shown} | ${line}\n`;
};

export interface StackConsole {
  /** A line from `source` (a service or the stack itself). */
  line(source: string, line: string): void;
}

/** Writes to `stream`, filtering noise per source; never throws (a closed terminal, SIGHUP). */
export const createConsole = (stream: NodeJS.WritableStream, options: ConsoleOptions): StackConsole => {
  const filters = new Map<string, (line: string) => boolean>();
  stream.on('error', () => undefined);
  return {
    line: (source, line) => {
      if (!options.verbose) {
        let isNoise = filters.get(source);
        if (!isNoise) {
          isNoise = createNoiseFilter();
          filters.set(source, isNoise);
        }
        if (isNoise(line)) return;
      }
      try {
        stream.write(formatConsoleLine(source, line, options));
      } catch {
        // the terminal is gone; the logs still have everything
      }
    },
  };
};
