import { ORDER_STATUS, type Order, orderFingerprint } from '@order-pipeline/common';
import type { StoredOrder } from '@order-pipeline/common/orders-table';
import { FakeOrdersTable, openStores } from '@order-pipeline/common/testing';
import type { inSpan, Span, SpanOptions } from '@order-pipeline/common/tracing';
import type { FaultInjector } from '../../src/faults';
import type { RecordDependencies, RecordLogFields } from '../../src/processRecord';
import type { RecordHandle, VisibilityChanger } from '../../src/visibility';

/** The stores the fake registry answers open. */
export const OPEN_STORE_IDS = [1, 2, 3, 7] as const;
export const NOW = new Date('2026-11-22T12:00:00.000Z');

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: RecordLogFields;
}

export class FakeVisibility implements VisibilityChanger {
  readonly changes: Array<{ record: RecordHandle; seconds: number }> = [];
  failWith: unknown;

  async changeVisibility(record: RecordHandle, seconds: number): Promise<void> {
    this.changes.push({ record, seconds });
    if (this.failWith !== undefined) throw this.failWith;
  }
}

const fakeSpan = (options: SpanOptions, annotations: Record<string, unknown>): Span => ({
  traceId: 'fake-trace',
  id: 'fake-span',
  sampled: true,
  annotate: (key, value) => {
    annotations[key] = value;
  },
  metadata: () => undefined,
  fail: () => undefined,
  header: () => options.parentHeader ?? '',
});

export interface Fakes {
  deps: RecordDependencies;
  orders: FakeOrdersTable;
  visibility: FakeVisibility;
  logs: LogLine[];
  metrics: Array<{ name: string; value: number }>;
  spans: SpanOptions[];
  /** What the code annotated on each span, in the order the spans were opened. */
  spanAnnotations: Array<Record<string, unknown>>;
}

/** Plain fakes for every dependency of processRecord; override any of them. */
export const fakeDependencies = (overrides: Partial<RecordDependencies> = {}): Fakes => {
  const orders = new FakeOrdersTable();
  const visibility = new FakeVisibility();
  const logs: LogLine[] = [];
  const metrics: Array<{ name: string; value: number }> = [];
  const spans: SpanOptions[] = [];
  const spanAnnotations: Array<Record<string, unknown>> = [];
  const runInSpan: typeof inSpan = async (options, work) => {
    spans.push(options);
    const annotations: Record<string, unknown> = {};
    spanAnnotations.push(annotations);
    return work(fakeSpan(options, annotations));
  };
  const deps: RecordDependencies = {
    stores: openStores(...OPEN_STORE_IDS),
    backoff: { baseSeconds: 2, maxSeconds: 300, poisonSeconds: 2 },
    orders,
    visibility,
    clock: () => NOW,
    logger: {
      info: (message, fields) => logs.push({ level: 'info', message, fields }),
      warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
      error: (message, fields) => logs.push({ level: 'error', message, fields }),
    },
    metrics: { addMetric: (name, _unit, value) => metrics.push({ name, value }) },
    tracer: runInSpan,
    ...overrides,
  };
  return { deps, orders, visibility, logs, metrics, spans, spanAnnotations };
};

/** A fault injector that throws `error` for every record. */
export const alwaysFailing = (error: unknown): FaultInjector => ({
  inject: () => {
    throw error;
  },
});

/** The item a processed `order` left in the table. */
export const storedOrder = (order: Order): StoredOrder => ({
  orderId: order.orderId,
  fingerprint: orderFingerprint(order),
  status: ORDER_STATUS.processed,
  storeId: order.storeId,
  order,
  messageId: 'an-earlier-message',
  receiveCount: 1,
  processedAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
});
