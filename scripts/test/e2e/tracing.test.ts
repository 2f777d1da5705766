import { parseTraceHeader } from '@order-pipeline/common/tracing';
import { buildTrees, renderTree, toNodes } from '../../traces/traceTree';
import { type E2e, startE2e, traceOfDeadLetteredOrder } from './harness';

// The trace-continuity check of pipeline.test.ts (X-Ray SDK, the default), with the OpenTelemetry
// backend: the stack started as `TRACING_BACKEND=otel pnpm start` would be.
jest.setTimeout(120_000);

describe('the local stack with TRACING_BACKEND=otel', () => {
  let e2e: E2e;

  beforeAll(async () => {
    // STORE_CACHE_TTL_SECONDS: see traceOfDeadLetteredOrder.
    e2e = await startE2e({ env: { TRACING_BACKEND: 'otel', STORE_CACHE_TTL_SECONDS: '3600' } });
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  it("shares one trace Root across the ingest span, the consumer's record and the DLQ handler's record", async () => {
    const { traceId, segments } = await traceOfDeadLetteredOrder(e2e);

    expect(e2e.stack.info.tracingBackend).toBe('otel');
    expect(new Set(segments.map((segment) => segment.trace_id))).toEqual(new Set([traceId]));
    expect(() => parseTraceHeader(`Root=${traceId}`)).not.toThrow();
    // Every one of them came over OTLP/HTTP from the service that names itself.
    expect(new Set(segments.map((segment) => segment.service_name))).toEqual(
      new Set(['ingest-api', 'order-consumer', 'dlq-handler']),
    );
  });

  it('draws the same tree as with the X-Ray SDK: each service continues the one before, with its AWS calls', async () => {
    // A store of its own: store 60 is in the registry since the test above.
    const { orderId, segments } = await traceOfDeadLetteredOrder(e2e, 61);
    const all = await e2e.segments();
    const trace = all.filter((segment) => segment.trace_id === segments[0]?.trace_id);

    const [root, ...others] = buildTrees(toNodes(trace));
    const drawing = renderTree(buildTrees(toNodes(trace)));

    expect(others).toEqual([]);
    expect(root?.service).toBe('ingest-api');
    expect(drawing).toContain(`ingest-api › ingest-api`);
    expect(drawing).toMatch(/ingest-api › SQS\.SendMessage/);
    expect(drawing).toMatch(/order-consumer › order-consumer .*\[ERROR\].*orderId=/);
    expect(drawing).toMatch(new RegExp(`dlq-handler › dlq-handler .*orderId=${orderId}`));
    expect(drawing).toMatch(/dlq-handler › DynamoDB\.(PutItem|UpdateItem)/);
  });
});
