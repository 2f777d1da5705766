// One trace as the console's waterfall: the same tree `pnpm traces` draws (traceTree.ts), laid out
// on a time axis, with the time each message waited in a queue between two services made visible.
import type { TraceNode } from '../traces/traceTree';

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

const SERVICE_STAGES: Record<string, TraceStage> = {
  'ingest-api': 'ingest',
  'order-consumer': 'consumer',
  'dlq-handler': 'DLQ handler',
};

const stageOf = (node: TraceNode): TraceStage => {
  if (/^SQS\b/.test(node.name)) return 'SQS';
  if (/^DynamoDB\b/.test(node.name)) return 'DynamoDB';
  return SERVICE_STAGES[node.service] ?? 'other';
};

const endOf = (node: TraceNode): number => node.start + (node.durationMs ?? 0) / 1000;

/**
 * The rows of one trace, depth first under each service's segment, in time order. Between two
 * services' segments the message waited in a queue: that gap is a row of its own (the orders queue
 * before the consumer, the DLQ before the DLQ handler), which is the SQS leg X-Ray draws as an edge.
 */
export const waterfall = (traceId: string, roots: readonly TraceNode[]): TraceWaterfall => {
  const sorted = [...roots].sort((a, b) => a.start - b.start);
  const first = sorted[0];
  if (first === undefined) return { traceId, startedAt: '', totalMs: 0, rows: [] };
  const origin = first.start;
  const ms = (seconds: number) => Math.round((seconds - origin) * 1_000_000) / 1000;
  const rows: WaterfallRow[] = [];
  const visit = (node: TraceNode, depth: number) => {
    rows.push({
      depth,
      stage: stageOf(node),
      service: node.service,
      label: node.name,
      offsetMs: ms(node.start),
      ...(node.durationMs === undefined ? {} : { durationMs: Math.round(node.durationMs * 1000) / 1000 }),
      error: node.error,
      annotations: node.annotations,
    });
    for (const child of node.children) visit(child, depth + 1);
  };
  let previousEnd: number | undefined;
  for (const root of sorted) {
    if (previousEnd !== undefined && root.start > previousEnd && root.service !== 'ingest-api') {
      rows.push({
        depth: 0,
        stage: 'SQS',
        service: 'SQS',
        label:
          root.service === 'dlq-handler' ? 'waiting in the dead-letter queue' : 'waiting in the orders queue',
        offsetMs: ms(previousEnd),
        durationMs: Math.round((root.start - previousEnd) * 1_000_000) / 1000,
        error: false,
        annotations: {},
      });
    }
    visit(root, 0);
    previousEnd = Math.max(previousEnd ?? 0, endOf(root));
  }
  const last = Math.max(...sorted.map(endOf));
  return {
    traceId,
    startedAt: new Date(origin * 1000).toISOString(),
    totalMs: ms(last),
    rows,
  };
};
