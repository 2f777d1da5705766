import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@order-pipeline/common';
import { inSpan } from '@order-pipeline/common/tracing';
import type { RuntimeDeps } from '../deps';

/** One logger per cold start; it masks personal data in every line. */
export const logger = createLogger('ingest-api');

export const runtime: RuntimeDeps & { sleep(ms: number): Promise<void> } = {
  trace: inSpan,
  uuid: randomUUID,
  now: () => new Date(),
  log: logger,
  sleep: async (ms) => {
    await sleep(ms);
  },
};
