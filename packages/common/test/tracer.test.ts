import { collectSegments, type SegmentCollector, type SegmentDocument } from '@order-pipeline/local-aws';
import { TRACE_HEADER } from '../src/testing';
import { inSpan, parseTraceHeader, setDaemonAddress } from '../src/tracing';

describe('inSpan()', () => {
  let daemon: SegmentCollector;

  beforeAll(async () => {
    daemon = await collectSegments();
    setDaemonAddress(daemon.address);
  });

  afterAll(() => daemon.close());

  beforeEach(() => {
    daemon.segments.length = 0;
  });

  const waitForSegment = (id: string): Promise<SegmentDocument> =>
    daemon.segment((segment) => segment.id === id, `segment ${id}`);

  it('masks personal data in annotations and recorded errors, keeping the error type', async () => {
    let spanId = '';

    await expect(
      inSpan({ name: 'ingest-api', annotations: { correlationId: 'ssn:078-05-1120' } }, async (span) => {
        spanId = span.id;
        span.fail(new Error('card 4111 1111 1111 1111 refused'));
        throw new TypeError('bad ada@example.com');
      }),
    ).rejects.toThrow(TypeError);

    const document = JSON.stringify(await waitForSegment(spanId));
    for (const secret of ['078-05-1120', 'ada@example.com', '4111 1111 1111 1111']) {
      expect(document).not.toContain(secret);
    }
    expect(document).toContain('ssn:***-**-1120');
    expect(document).toContain('TypeError');
  });

  it("continues the producer's Root and emits an annotated segment document", async () => {
    const producer = parseTraceHeader(TRACE_HEADER);

    const spanId = await inSpan(
      { name: 'order-consumer', parentHeader: TRACE_HEADER, annotations: { messageId: 'm-1', storeId: 7 } },
      async (span) => span.id,
    );

    const segment = await waitForSegment(spanId);
    expect(segment).toEqual(
      expect.objectContaining({
        name: 'order-consumer',
        trace_id: producer.root,
        parent_id: producer.parent,
      }),
    );
    expect(segment.annotations).toEqual({ messageId: 'm-1', storeId: 7, producerTraceId: producer.root });
  });

  it('starts a new trace when there is no valid parent header', async () => {
    const { header, traceId, id } = await inSpan(
      { name: 'ingest-api', parentHeader: 'garbage' },
      async (span) => ({
        header: span.header(),
        traceId: span.traceId,
        id: span.id,
      }),
    );

    expect(parseTraceHeader(header)).toEqual({ root: traceId, parent: id, sampled: '1' });
    expect(traceId).not.toBe(parseTraceHeader(TRACE_HEADER).root);
    expect((await waitForSegment(id)).parent_id).toBeUndefined();
  });

  it('marks the segment as a fault and rethrows when the work throws', async () => {
    let spanId = '';

    await expect(
      inSpan({ name: 'order-consumer' }, async (span) => {
        spanId = span.id;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect((await waitForSegment(spanId)).fault).toBe(true);
  });

  it('keeps concurrent spans apart', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map((n) =>
        inSpan({ name: 'order-consumer', annotations: { messageId: `m-${n}` } }, async (span) => {
          await new Promise((resolve) => setTimeout(resolve, 10 * (4 - n)));
          return span.id;
        }),
      ),
    );

    const segments = await Promise.all(ids.map(waitForSegment));
    expect(segments.map((segment) => segment.annotations?.messageId)).toEqual(['m-1', 'm-2', 'm-3']);
  });
});
