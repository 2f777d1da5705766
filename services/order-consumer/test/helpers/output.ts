/**
 * Lines written to stdout and stderr while a test runs: Powertools' Logger writes INFO lines to
 * stdout and WARN/ERROR lines to stderr (console.warn/error), Metrics its EMF documents to stdout.
 */
export const captureOutput = (): { lines: () => string[]; json: () => Array<Record<string, unknown>> } => {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
  const json = () =>
    lines().flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return { lines, json };
};

/** CloudWatch embedded-metric-format documents among the captured lines. */
export const emfDocuments = (documents: Array<Record<string, unknown>>): Array<Record<string, unknown>> =>
  documents.filter((document) => typeof document._aws === 'object' && document._aws !== null);

/** A metric's total in an EMF document (Powertools writes a repeated metric as an array of values). */
export const metricTotal = (document: Record<string, unknown> | undefined, name: string): number => {
  const value = document?.[name];
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + Number(item), 0);
  return value === undefined ? 0 : Number(value);
};
