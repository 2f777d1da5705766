import { appendFileSync, existsSync, renameSync, rmSync } from 'node:fs';
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

/**
 * When each queue's oldest message (waiting, in flight or delayed) was sent, in epoch ms, or null for
 * an empty queue: the local stand-in for CloudWatch's ApproximateAgeOfOldestMessage, which
 * GetQueueAttributes does not answer. Read from the emulator's state, so nothing is received.
 */
export const oldestSentTimestamps = (service: SqsService): Record<string, number | null> =>
  Object.fromEntries(
    service.Queues.map((queue: Queue) => {
      const sent = queue
        .exportMessages()
        .map((message) => Number(message.record.attributes.SentTimestamp))
        .filter((time) => Number.isFinite(time));
      return [queue.QueueName, sent.length === 0 ? null : Math.min(...sent)];
    }),
  );

/** Puts a snapshot's messages back into the queues that exist now; answers how many came back. */
export const restoreSqs = (service: SqsService, snapshot: SqsSnapshot): number => {
  let restored = 0;
  for (const queue of service.Queues) {
    restored += queue.importMessages(snapshot.queues[queue.QueueName] ?? []);
  }
  return restored;
};

/** The send journal beside a snapshot, and the one rotated out while a snapshot is written. */
const journalFiles = (file: string) => ({ current: `${file}.journal`, previous: `${file}.journal.prev` });

const readJournal = async (file: string): Promise<Array<{ queue: string; message: SavedMessage }>> => {
  const raw = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  // A hard kill can cut the last line short: whatever does not parse was never answered.
  return raw.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as { queue: string; message: SavedMessage }] : [];
    } catch {
      return [];
    }
  });
};

/**
 * The snapshot in `file` with the sends journaled after it, or undefined when there is neither
 * (a fresh state directory).
 */
export const readSqsSnapshot = async (file: string): Promise<SqsSnapshot | undefined> => {
  let snapshot: SqsSnapshot | undefined;
  try {
    snapshot = JSON.parse(await readFile(file, 'utf8')) as SqsSnapshot;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (snapshot && (snapshot.version !== 1 || typeof snapshot.queues !== 'object')) {
    throw new Error(`${file} is not an SQS snapshot of this version; start with --fresh`);
  }
  const { current, previous } = journalFiles(file);
  const journaled = [...(await readJournal(previous)), ...(await readJournal(current))];
  if (!snapshot && journaled.length === 0) return undefined;
  const merged: SqsSnapshot = snapshot ?? { version: 1, savedAt: new Date(0).toISOString(), queues: {} };
  for (const { queue, message } of journaled) {
    const messages = merged.queues[queue] ?? [];
    merged.queues[queue] = messages;
    if (!messages.some((saved) => saved.record.MessageId === message.record.MessageId))
      messages.push(message);
  }
  return merged;
};

export interface SqsPersistence {
  /** Writes the current state now (when it changed since the last write). */
  flush(): Promise<void>;
  /** Stops the periodic writes after a last flush. */
  stop(): Promise<void>;
}

/**
 * Keeps the queues in `file`: every message sent is appended to a journal before SQS answers
 * (so a hard kill loses no accepted send), and every `intervalMs` the whole state (receives,
 * deletes, visibility) is snapshotted when it changed, which empties the journal. A hard kill
 * loses the receives and deletes of the last interval: deleted messages come back (the consumer's
 * conditional write makes such a redelivery a no-op), in-flight ones become visible again.
 */
export const persistSqs = (service: SqsService, file: string, intervalMs = 250): SqsPersistence => {
  const journal = journalFiles(file);
  const journaled = new WeakSet<Queue>();
  // Every send (SendMessage, SendMessageBatch, a move to the DLQ) goes through the queue's
  // setRecord, an instance property of the emulator's queue.
  const journalSends = () => {
    for (const queue of service.Queues) {
      if (journaled.has(queue)) continue;
      journaled.add(queue);
      const setRecord = queue.setRecord;
      queue.setRecord = (input: unknown, messageId?: string) => {
        const result = setRecord(input, messageId);
        const message: SavedMessage = { record: result.record, delayed: false, visible: true };
        appendFileSync(journal.current, `${JSON.stringify({ queue: queue.QueueName, message })}\n`);
        return result;
      };
    }
  };
  journalSends();
  let last = '';
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    // A failed write must not stop later ones: the chain always continues.
    writing = writing
      .catch(() => undefined)
      .then(async () => {
        journalSends();
        // Captured and rotated in one synchronous step: every send after it is in the new journal.
        const { queues } = snapshotSqs(service);
        if (existsSync(journal.current)) renameSync(journal.current, journal.previous);
        const content = JSON.stringify(queues);
        if (content !== last) {
          // The same bytes as JSON.stringify({ version, savedAt, queues }), without serialising the
          // queues a second time.
          const savedAt = JSON.stringify(new Date().toISOString());
          await writeFileAtomic(file, `{"version":1,"savedAt":${savedAt},"queues":${content}}`);
          last = content;
        }
        rmSync(journal.previous, { force: true });
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
