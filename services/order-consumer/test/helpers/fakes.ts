import { ORDER_STATUS, type Order, orderFingerprint } from '@order-pipeline/common';
import type { StoredOrder } from '@order-pipeline/common/orders-table';
import {
  FakeOrdersTable,
  FIXED_NOW,
  fakeTracer,
  fixedClock,
  type LogLine,
  openStores,
  type RecordedSpan,
  recordingLogger,
} from '@order-pipeline/common/testing';
import type { FaultInjector } from '../../src/faults';
import type { RecordDependencies, RecordLogFields } from '../../src/processRecord';
import type { RecordHandle, VisibilityChanger } from '../../src/visibility';

/** The stores the fake registry answers open. */
export const OPEN_STORE_IDS = [1, 2, 3, 7] as const;

export class FakeVisibility implements VisibilityChanger {
  readonly changes: Array<{ record: RecordHandle; seconds: number }> = [];
  failWith: unknown;

  async changeVisibility(record: RecordHandle, seconds: number): Promise<void> {
    this.changes.push({ record, seconds });
    if (this.failWith !== undefined) throw this.failWith;
  }
}

export interface Fakes {
  deps: RecordDependencies;
  orders: FakeOrdersTable;
  visibility: FakeVisibility;
  logs: LogLine<RecordLogFields>[];
  metrics: Array<{ name: string; value: number }>;
  /** The spans processRecord opened, with what it annotated on each. */
  spans: RecordedSpan[];
}

/** Plain fakes for every dependency of processRecord; override any of them. */
export const fakeDependencies = (overrides: Partial<RecordDependencies> = {}): Fakes => {
  const orders = new FakeOrdersTable();
  const visibility = new FakeVisibility();
  const { logger, lines: logs } = recordingLogger<RecordLogFields>();
  const metrics: Array<{ name: string; value: number }> = [];
  const { tracer, spans } = fakeTracer();
  const deps: RecordDependencies = {
    stores: openStores(...OPEN_STORE_IDS),
    backoff: { baseSeconds: 2, maxSeconds: 300, poisonSeconds: 2 },
    orders,
    visibility,
    clock: fixedClock(),
    logger,
    metrics: { addMetric: (name, _unit, value) => metrics.push({ name, value }) },
    tracer,
    ...overrides,
  };
  return { deps, orders, visibility, logs, metrics, spans };
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
  processedAt: FIXED_NOW.toISOString(),
  updatedAt: FIXED_NOW.toISOString(),
});
