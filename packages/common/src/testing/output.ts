/** What a test captured of the process's output. */
export interface CapturedOutput {
  /** Every non-empty line, in the order written. */
  lines(): string[];
  /** The lines that are JSON objects (log lines, EMF documents), parsed. */
  json(): Array<Record<string, unknown>>;
  /** Lets the streams write again (before the test ends, e.g. once per property run). */
  restore(): void;
}

/**
 * Captures (and silences) what is written to stdout and stderr while a test runs: Powertools' Logger
 * writes INFO lines to stdout and WARN/ERROR lines to stderr, Metrics its EMF documents to stdout.
 * `streams: ['stdout']` leaves stderr alone. The spies are jest's, restored after each test
 * (`restoreMocks` in jest.config.js) or by `restore()`.
 */
export const captureOutput = (
  streams: ReadonlyArray<'stdout' | 'stderr'> = ['stdout', 'stderr'],
): CapturedOutput => {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = streams.map((stream) => jest.spyOn(process[stream], 'write').mockImplementation(capture));
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
  const json = () =>
    lines().flatMap((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  const restore = () => {
    for (const spy of spies) spy.mockRestore();
  };
  return { lines, json, restore };
};

/** CloudWatch embedded-metric-format documents among captured JSON lines. */
export const emfDocuments = (documents: Array<Record<string, unknown>>): Array<Record<string, unknown>> =>
  documents.filter((document) => typeof document._aws === 'object' && document._aws !== null);

/** A metric's total in an EMF document (Powertools writes a repeated metric as an array of values). */
export const metricTotal = (document: Record<string, unknown> | undefined, name: string): number => {
  const value = document?.[name];
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + Number(item), 0);
  return value === undefined ? 0 : Number(value);
};
