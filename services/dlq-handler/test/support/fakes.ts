import type { DeadLetterClass } from '@order-pipeline/common';
import {
  FakeOrdersTable,
  fakeTracer,
  fixedClock,
  openStores,
  recordingLogger,
} from '@order-pipeline/common/testing';
import type { ArchiveDeps } from '../../src/archive';
import type { OrdersQueue, OutgoingMessage } from '../../src/cli/clients';
import type { Output } from '../../src/cli/output';
import { DEAD_LETTER_STATUS, type DeadLetter } from '../../src/deadLetter';
import type { DeadLetterStore } from '../../src/deadLetterTable';

/** A dead-letters table in memory, with the conditional semantics of the DynamoDB one. */
export const memoryDeadLetters = (initial: readonly DeadLetter[] = []) => {
  const items = new Map(initial.map((item) => [item.messageId, structuredClone(item)]));
  const store: DeadLetterStore = {
    async archive(deadLetter) {
      if (items.has(deadLetter.messageId)) return 'already-archived';
      items.set(deadLetter.messageId, structuredClone(deadLetter));
      return 'archived';
    },
    async get(messageId) {
      const item = items.get(messageId);
      return item === undefined ? undefined : structuredClone(item);
    },
    async list() {
      return [...items.values()].map((item) => structuredClone(item));
    },
    async markRedriven(messageId, redrive) {
      const item = items.get(messageId);
      if (item?.status !== DEAD_LETTER_STATUS.archived) return 'not-archived';
      items.set(messageId, { ...item, ...redrive, status: DEAD_LETTER_STATUS.redriven });
      return 'marked';
    },
  };
  return { store, items };
};

export const recordingMetrics = () => {
  const archived: DeadLetterClass[] = [];
  const notArchived: true[] = [];
  return {
    metrics: {
      deadLetterArchived: (classification: DeadLetterClass) => archived.push(classification),
      deadLetterNotArchived: () => notArchived.push(true),
    },
    archived,
    notArchived,
  };
};

/** ArchiveDeps made of the fakes above; override any. */
export const fakeArchiveDeps = (overrides: Partial<ArchiveDeps> = {}) => {
  const deadLetters = memoryDeadLetters();
  const orders = new FakeOrdersTable();
  const tracer = fakeTracer();
  const log = recordingLogger();
  const metrics = recordingMetrics();
  const deps: ArchiveDeps = {
    deadLetters: deadLetters.store,
    orders,
    stores: openStores(7, 8),
    logger: log.logger,
    deadLetterMetrics: metrics.metrics,
    tracer: tracer.tracer,
    clock: fixedClock(),
    ...overrides,
  };
  return { deps, deadLetters, orders, tracer, log, metrics };
};

export const recordingOutput = () => {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (line) => out.push(line), err: (line) => err.push(line) };
  return { output, out, err, text: () => out.join('\n'), errors: () => err.join('\n') };
};

export const recordingQueue = (fail?: (message: OutgoingMessage) => boolean) => {
  const sent: OutgoingMessage[] = [];
  const queue: OrdersQueue = {
    async send(message) {
      if (fail?.(message)) throw new Error('SendMessage refused');
      sent.push(message);
      return `redriven-${sent.length}`;
    },
  };
  return { queue, sent };
};

/** A dead letter as the handler archives it; override any field. */
export const aDeadLetter = (overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  messageId: 'm-1',
  status: DEAD_LETTER_STATUS.archived,
  classification: 'retries-exhausted',
  reason: 'a valid order from an open store: processing kept failing until the redrive policy moved it',
  body: JSON.stringify({
    orderId: 'ord-1',
    storeId: 7,
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  }),
  messageAttributes: {
    store_id: { dataType: 'Number', stringValue: '7' },
    content_type: { dataType: 'String', stringValue: 'application/json; schema=order.v1' },
    correlation_id: { dataType: 'String', stringValue: 'corr-0001' },
    producer: { dataType: 'String', stringValue: 'test' },
  },
  traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  traceId: '1-5759e988-bd862e3fe1be46a994272793',
  sourceQueueArn: 'arn:aws:sqs:eu-west-1:000000000000:order-pipeline-local-orders',
  receiveCount: 1,
  sentAt: '2026-11-22T10:00:00.000Z',
  firstReceivedAt: '2026-11-22T10:00:01.000Z',
  lastReceivedAt: '2026-11-22T11:00:00.000Z',
  archivedAt: '2026-11-22T11:00:00.000Z',
  storeId: 7,
  orderId: 'ord-1',
  redriveCount: 0,
  ...overrides,
});
