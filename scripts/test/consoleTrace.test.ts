import { waterfall } from '../local-stack/consoleTrace';
import type { TraceNode } from '../traces/traceTree';

const node = (
  service: string,
  name: string,
  start: number,
  durationMs: number,
  children: TraceNode[] = [],
  annotations: TraceNode['annotations'] = {},
): TraceNode => ({
  id: `${service}-${name}-${start}`,
  traceId: '1-67a0b1c2-0123456789abcdef01234567',
  service,
  name,
  start,
  durationMs,
  error: false,
  annotations,
  children,
});

describe('waterfall()', () => {
  it("lays a dead-lettered, then redriven order's services out in time, with each wait in a queue", () => {
    const consumer = (start: number, outcome: string) =>
      node('order-consumer', 'order-consumer', start, 50, [], { outcome });
    const ingest = node('ingest-api', 'ingest-api', 100, 200, [
      node('ingest-api', 'SQS.SendMessage', 100.1, 50, [consumer(101, 'poison'), consumer(103, 'poison')]),
    ]);
    const dlqHandler = node('dlq-handler', 'dlq-handler', 104, 100, [
      node('dlq-handler', 'DynamoDB.PutItem', 104.01, 20),
    ]);
    const redriven = consumer(160, 'processed');

    const trace = waterfall('1-67a0b1c2-0123456789abcdef01234567', [redriven, dlqHandler, ingest]);

    expect(trace.rows.map((row) => [row.stage, row.label, row.depth, row.offsetMs])).toEqual([
      ['ingest', 'ingest-api', 0, 0],
      ['SQS', 'SQS.SendMessage', 1, 100],
      ['SQS', 'waiting in the orders queue', 0, 150],
      ['consumer', 'order-consumer', 0, 1000],
      ['SQS', 'waiting in the orders queue', 0, 1050],
      ['consumer', 'order-consumer', 0, 3000],
      ['SQS', 'waiting in the dead-letter queue', 0, 3050],
      ['DLQ handler', 'dlq-handler', 0, 4000],
      ['DynamoDB', 'DynamoDB.PutItem', 1, 4010],
      ['SQS', 'archived until redriven, then in the orders queue', 0, 4100],
      ['consumer', 'order-consumer', 0, 60000],
    ]);
    expect(trace.totalMs).toBe(60050);
    expect(trace.startedAt).toBe(new Date(100_000).toISOString());
  });

  it('answers no rows for no segments', () => {
    expect(waterfall('1-x', []).rows).toEqual([]);
  });
});
