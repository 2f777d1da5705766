import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes to a temporary file and renames it, so a reader (or a crash) never sees half a file. `mode`
 * applies from the first byte (the temporary file is created with it).
 */
export const writeFileAtomic = async (file: string, content: string, mode = 0o644): Promise<void> => {
  const temporary = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, file);
};
