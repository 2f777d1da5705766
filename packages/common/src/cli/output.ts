/** Every command's exit codes. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where a command writes: results on `out`, diagnostics on `err` (so `--json` output stays pipeable). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A plain text table: one header row, columns padded to their widest cell. */
export const formatTable = (headers: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
};

/** An Output that keeps what a command writes (a command run in-process, e.g. by a test or a tool). */
export const capturedOutput = (): { output: Output; out(): string; err(): string } => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    output: { out: (line) => out.push(line), err: (line) => err.push(line) },
    out: () => out.join('\n'),
    err: () => err.join('\n'),
  };
};
