import { buildTrees, renderTree, type SegmentDocument, toNodes, traceIdsOfOrder } from '../traces/traceTree';

const TRACE = '1-5759e988-bd862e3fe1be46a994272793';

const documents: SegmentDocument[] = [
  {
    id: 'aaaaaaaaaaaaaaaa',
    trace_id: TRACE,
    name: 'ingest-api',
    start_time: 100,
    end_time: 100.02,
    annotations: { orderId: 'o-1' },
    subsegments: [
      { id: 'a1', name: 'SQS', aws: { operation: 'SendMessage' }, start_time: 100.005, end_time: 100.015 },
    ],
  },
  {
    id: 'bbbbbbbbbbbbbbbb',
    trace_id: TRACE,
    parent_id: 'aaaaaaaaaaaaaaaa',
    name: 'order-consumer',
    start_time: 100.5,
    end_time: 100.6,
    fault: true,
    annotations: { orderId: 'o-1', messageId: 'm-1' },
  },
  // A subsegment streamed on its own (the SDK in Lambda mode), parented to the consumer.
  {
    id: 'b1',
    type: 'subsegment',
    trace_id: TRACE,
    parent_id: 'bbbbbbbbbbbbbbbb',
    name: 'DynamoDB',
    start_time: 100.51,
    end_time: 100.52,
  },
  {
    id: 'cccccccccccccccc',
    trace_id: '1-00000000-000000000000000000000000',
    name: 'other',
    start_time: 1,
    end_time: 2,
  },
];

describe('buildTrees()', () => {
  it('nests segments under their parents across services', () => {
    const trees = buildTrees(toNodes(documents)).filter((tree) => tree.traceId === TRACE);

    expect(trees).toHaveLength(1);
    const [ingest] = trees;
    expect(ingest?.children.map((child) => child.name)).toEqual(['SQS.SendMessage', 'order-consumer']);
    const consumer = ingest?.children[1];
    expect(consumer?.children.map((child) => [child.service, child.name])).toEqual([
      ['order-consumer', 'DynamoDB'],
    ]);
  });
});

describe('toNodes()', () => {
  it("names an X-Ray segment's service by the segment, not by the SDK's own `service` object", () => {
    const xray = { ...documents[0], service: { name: 'unknown', runtime: 'node' } } as SegmentDocument;

    expect(toNodes([xray])[0]?.service).toBe('ingest-api');
  });

  it('names an OpenTelemetry span by the service that sent it', () => {
    const span: SegmentDocument = {
      id: 'cccccccccccccccc',
      trace_id: TRACE,
      parent_id: 'aaaaaaaaaaaaaaaa',
      name: 'DynamoDB.PutItem',
      service_name: 'order-consumer',
      start_time: 100.55,
    };

    expect(toNodes([span])[0]).toEqual(
      expect.objectContaining({ service: 'order-consumer', name: 'DynamoDB.PutItem' }),
    );
  });
});

describe('traceIdsOfOrder()', () => {
  it('finds the traces annotated with the order id', () => {
    expect(traceIdsOfOrder(toNodes(documents), 'o-1')).toEqual([TRACE]);
    expect(traceIdsOfOrder(toNodes(documents), 'o-2')).toEqual([]);
  });
});

describe('renderTree()', () => {
  it('draws service, name, duration and the error flag', () => {
    const text = renderTree(buildTrees(toNodes(documents)).filter((tree) => tree.traceId === TRACE));

    expect(text.split('\n')).toEqual([
      'ingest-api › ingest-api  20.0 ms  (orderId=o-1)',
      '├─ ingest-api › SQS.SendMessage  10.0 ms',
      '└─ order-consumer › order-consumer  100.0 ms  [ERROR]  (messageId=m-1 orderId=o-1)',
      '   └─ order-consumer › DynamoDB  10.0 ms',
    ]);
  });
});
