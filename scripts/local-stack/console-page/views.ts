// What the console API answers and the page draws: one set of types for both sides (consoleApi.ts,
// consoleTrace.ts and the page's app.ts). Types only, no imports: the page is compiled for the
// browser (DOM, no Node), the API for Node.

/** One queue as the Pipeline view shows it. */
export interface QueueView {
  id: string;
  name: string;
  visible: number;
  inFlight: number;
  delayed: number;
  /** Seconds since the oldest message (waiting, in flight or delayed) was sent; null when empty. */
  oldestAgeSeconds: number | null;
}

/** One supervised service, as `pnpm status` reports it. */
export interface ServiceView {
  pid: number | null;
  alive: boolean;
  state: string;
  restarts: number;
  lastExit?: string;
}

export interface PipelineView {
  status: string;
  startedAt: string;
  apiBaseUrl: string;
  queues: QueueView[];
  orders: { total: number; byStatus: Record<string, number> };
  deadLetters: { total: number; byClass: Record<string, number>; byStatus: Record<string, number> };
  services: Record<string, ServiceView>;
  /** When this was read (ISO). */
  at: string;
}

/** One dead letter as `pnpm dlq list --json` summarises it (masked). */
export interface DeadLetterSummary {
  messageId: string;
  archivedAt: string;
  classification: string;
  status: string;
  storeId?: number;
  orderId?: string;
  receiveCount: number;
  redriveCount: number;
}

/** What one `pnpm dlq` run printed, line by line, and its exit code. */
export interface CommandRun {
  command: string;
  exitCode: number;
  lines: Array<{ stream: 'out' | 'err'; text: string }>;
}

/** Where a row stands in the pipeline: ingest → SQS → consumer → DynamoDB → DLQ handler. */
export type TraceStage = 'ingest' | 'SQS' | 'consumer' | 'DynamoDB' | 'DLQ handler' | 'other';

export interface WaterfallRow {
  /** 0 for a service's segment, 1+ for its subsegments. */
  depth: number;
  stage: TraceStage;
  service: string;
  /** The segment's name, or the AWS operation (`DynamoDB.PutItem`); `waiting in ...` for a queue wait. */
  label: string;
  /** Milliseconds from the trace's first segment. */
  offsetMs: number;
  /** Undefined while the segment is still in progress. */
  durationMs?: number;
  error: boolean;
  annotations: Record<string, string | number | boolean>;
}

export interface TraceWaterfall {
  traceId: string;
  /** ISO time of the first segment. */
  startedAt: string;
  /** From the first segment's start to the last one's end. */
  totalMs: number;
  rows: WaterfallRow[];
}

/** An order looked up by store and id: its item (masked; absent when there is none) and its traces. */
export interface OrderView {
  storeId: number;
  orderId: string;
  order?: Record<string, unknown> & { status?: string };
  traces: TraceWaterfall[];
}
