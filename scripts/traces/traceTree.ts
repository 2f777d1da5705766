/** A segment or subsegment document as the X-Ray SDK emits it (the fields the viewer reads). */
export interface SegmentDocument {
  id: string;
  trace_id?: string;
  parent_id?: string;
  type?: 'subsegment';
  name: string;
  /**
   * The emitting service, on documents converted from OpenTelemetry spans (flat, not nested). Not
   * `service`: X-Ray documents use that name for an object (`{ name, runtime, ... }`).
   */
  service_name?: string;
  start_time: number;
  end_time?: number;
  in_progress?: boolean;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  annotations?: Record<string, string | number | boolean>;
  aws?: { operation?: string };
  subsegments?: SegmentDocument[];
}

export interface TraceNode {
  id: string;
  traceId: string;
  parentId?: string;
  /** The service that emitted it: the enclosing segment's name. */
  service: string;
  name: string;
  start: number;
  durationMs?: number;
  error: boolean;
  annotations: Record<string, string | number | boolean>;
  children: TraceNode[];
}

const flatten = (
  document: SegmentDocument,
  traceId: string,
  service: string,
  parentId?: string,
): TraceNode[] => {
  const node: TraceNode = {
    id: document.id,
    traceId,
    service,
    name: document.aws?.operation ? `${document.name}.${document.aws.operation}` : document.name,
    start: document.start_time,
    error: Boolean(document.error || document.fault || document.throttle),
    annotations: document.annotations ?? {},
    children: [],
    ...(parentId === undefined ? {} : { parentId }),
    ...(document.end_time === undefined
      ? {}
      : { durationMs: (document.end_time - document.start_time) * 1000 }),
  };
  return [
    node,
    ...(document.subsegments ?? []).flatMap((child) => flatten(child, traceId, service, document.id)),
  ];
};

/** Every node of the documents, each knowing its trace, service and parent. */
export const toNodes = (documents: readonly SegmentDocument[]): TraceNode[] =>
  documents.flatMap((document) => {
    const traceId = document.trace_id ?? '?';
    // A streamed subsegment document names no service: its parent segment's name is filled in below.
    return flatten(
      document,
      traceId,
      document.service_name ?? (document.type === 'subsegment' ? '' : document.name),
      document.parent_id,
    );
  });

/** Links nodes into trees by parent id; nodes whose parent is not recorded become roots. */
export const buildTrees = (nodes: readonly TraceNode[]): TraceNode[] => {
  const byId = new Map(nodes.map((node) => [node.id, { ...node, children: [] as TraceNode[] }]));
  const roots: TraceNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parentId === undefined ? undefined : byId.get(node.parentId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const settle = (node: TraceNode, service: string) => {
    if (node.service === '') node.service = service;
    node.children.sort((a, b) => a.start - b.start);
    for (const child of node.children) settle(child, node.service);
  };
  for (const root of roots) settle(root, root.service || root.name);
  return roots.sort((a, b) => a.start - b.start);
};

/** Trace ids that carry `orderId` as an annotation anywhere. */
export const traceIdsOfOrder = (nodes: readonly TraceNode[], orderId: string): string[] => [
  ...new Set(nodes.filter((node) => node.annotations.orderId === orderId).map((node) => node.traceId)),
];

const duration = (node: TraceNode): string =>
  node.durationMs === undefined ? 'in progress' : `${node.durationMs.toFixed(1)} ms`;

/** A tree drawing: service, name, duration, and an error flag. */
export const renderTree = (roots: readonly TraceNode[]): string => {
  const lines: string[] = [];
  const draw = (node: TraceNode, prefix: string, last: boolean, top: boolean) => {
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    const flag = node.error ? '  [ERROR]' : '';
    const ids = ['messageId', 'orderId', 'classification']
      .filter((key) => node.annotations[key] !== undefined)
      .map((key) => `${key}=${node.annotations[key]}`)
      .join(' ');
    lines.push(
      `${prefix}${branch}${node.service} › ${node.name}  ${duration(node)}${flag}${ids ? `  (${ids})` : ''}`,
    );
    const childPrefix = top ? prefix : `${prefix}${last ? '   ' : '│  '}`;
    node.children.forEach((child, index) => {
      draw(child, childPrefix, index === node.children.length - 1, false);
    });
  };
  for (const root of roots) draw(root, '', true, true);
  return lines.join('\n');
};
