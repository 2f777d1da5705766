// One trace as the console's waterfall: the same tree `pnpm traces` draws (traceTree.ts), laid out
// on a time axis, with the time each message waited in a queue between two services made visible.
import type { TraceNode } from '../traces/traceTree';
import type { TraceStage, TraceWaterfall, WaterfallRow } from './console-page/views';

export type { TraceStage, TraceWaterfall, WaterfallRow };

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

/** The segment of each service a message reached: a node whose parent belongs to another service. */
const serviceSegments = (roots: readonly TraceNode[]): TraceNode[] => {
  const found: TraceNode[] = [];
  const visit = (node: TraceNode, parentService: string | undefined) => {
    if (node.service !== parentService) found.push(node);
    for (const child of node.children) visit(child, node.service);
  };
  for (const root of roots) visit(root, undefined);
  return found.sort((a, b) => a.start - b.start);
};

/** Where the message entered the queue: the end of the segment's SendMessage call, else its end. */
const sentAt = (segment: TraceNode): number => {
  const calls: TraceNode[] = [];
  const visit = (node: TraceNode) => {
    if (node.service !== segment.service) return;
    if (/^SQS\.SendMessage/.test(node.name)) calls.push(node);
    for (const child of node.children) visit(child);
  };
  visit(segment);
  return Math.max(...calls.map(endOf), calls.length === 0 ? endOf(segment) : 0);
};

const waitLabel = (previous: TraceNode | undefined, next: TraceNode): string => {
  if (next.service === 'dlq-handler') return 'waiting in the dead-letter queue';
  if (previous?.service === 'dlq-handler') return 'archived until redriven, then in the orders queue';
  return 'waiting in the orders queue';
};

/**
 * The rows of one trace: each service's segment in time order, its own subsegments under it (the
 * DynamoDB and SQS calls), and between two of them the time the message waited in a queue (the
 * orders queue before a consumer's receive, the dead-letter queue before the DLQ handler): the SQS
 * leg that X-Ray draws as an edge.
 */
export const waterfall = (traceId: string, roots: readonly TraceNode[]): TraceWaterfall => {
  const segments = serviceSegments(roots);
  const first = segments[0];
  if (first === undefined) return { traceId, startedAt: '', totalMs: 0, rows: [] };
  const origin = first.start;
  const ms = (seconds: number) => Math.round((seconds - origin) * 1_000_000) / 1000;
  const rows: WaterfallRow[] = [];
  const visit = (node: TraceNode, service: string, depth: number) => {
    if (node.service !== service) return;
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
    for (const child of node.children) visit(child, service, depth + 1);
  };
  let previous: TraceNode | undefined;
  for (const segment of segments) {
    const waitFrom = previous === undefined ? undefined : sentAt(previous);
    if (waitFrom !== undefined && segment.start > waitFrom && segment.service !== 'ingest-api') {
      rows.push({
        depth: 0,
        stage: 'SQS',
        service: 'SQS',
        label: waitLabel(previous, segment),
        offsetMs: ms(waitFrom),
        durationMs: Math.round((segment.start - waitFrom) * 1_000_000) / 1000,
        error: false,
        annotations: {},
      });
    }
    visit(segment, segment.service, 0);
    previous = segment;
  }
  const totalMs = Math.max(...rows.map((row) => row.offsetMs + (row.durationMs ?? 0)));
  return { traceId, startedAt: new Date(origin * 1000).toISOString(), totalMs, rows };
};
