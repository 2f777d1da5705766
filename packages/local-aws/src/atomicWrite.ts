import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';

/** Writes to a temporary file and renames it, so a reader (or a crash) never sees half a file. */
export const writeFileAtomic = async (file: string, content: string): Promise<void> => {
  const temporary = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
};
