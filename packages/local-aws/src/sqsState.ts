import { readFile } from 'node:fs/promises';
import type { Queue, SavedMessage } from 'local-aws-sqs/dist/lib/queue';
import type { SqsService } from 'local-aws-sqs/dist/lib/sqsService';
import { writeFileAtomic } from './atomicWrite';

/** What the embedded SQS keeps across restarts: every queue's messages, in flight or not. */
export interface SqsSnapshot {
  version: 1;
  savedAt: string;
  queues: Record<string, SavedMessage[]>;
}

export const snapshotSqs = (service: SqsService, now = new Date()): SqsSnapshot => ({
  version: 1,
  savedAt: now.toISOString(),
  queues: Object.fromEntries(service.Queues.map((queue: Queue) => [queue.QueueName, queue.exportMessages()])),
});

/** Puts a snapshot's messages back into the queues that exist now; answers how many came back. */
export const restoreSqs = (service: SqsService, snapshot: SqsSnapshot): number => {
  let restored = 0;
  for (const queue of service.Queues) {
    restored += queue.importMessages(snapshot.queues[queue.QueueName] ?? []);
  }
  return restored;
};

/** The snapshot in `file`, or undefined when there is none (a fresh state directory). */
export const readSqsSnapshot = async (file: string): Promise<SqsSnapshot | undefined> => {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(raw) as SqsSnapshot;
  if (parsed.version !== 1 || typeof parsed.queues !== 'object') {
    throw new Error(`${file} is not an SQS snapshot of this version; start with --fresh`);
  }
  return parsed;
};

export interface SqsPersistence {
  /** Writes the current state now (when it changed since the last write). */
  flush(): Promise<void>;
  /** Stops the periodic writes after a last flush. */
  stop(): Promise<void>;
}

/**
 * Snapshots the queues to `file` every `intervalMs` when they changed. A hard kill of the process
 * loses at most the changes of the last interval: sends since then are gone, deletes since then
 * come back (the consumer's conditional write makes such a redelivery a no-op).
 */
export const persistSqs = (service: SqsService, file: string, intervalMs = 250): SqsPersistence => {
  let last = '';
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    // A failed write must not stop later ones: the chain always continues.
    writing = writing
      .catch(() => undefined)
      .then(async () => {
        const { queues } = snapshotSqs(service);
        const content = JSON.stringify(queues);
        if (content === last) return;
        await writeFileAtomic(
          file,
          JSON.stringify({ version: 1, savedAt: new Date().toISOString(), queues }),
        );
        last = content;
      });
    return writing;
  };
  const timer = setInterval(() => {
    flush().catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
  };
};
