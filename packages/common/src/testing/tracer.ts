import type { Tracer } from '../dependencies';
import type { Span, SpanOptions } from '../tracing/span';

export const FAKE_TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';
export const FAKE_SPAN_ID = '53995c3f42cd8ad8';

/** One span a fake tracer opened: its options, what the code annotated on it, the errors it failed with. */
export interface RecordedSpan {
  options: SpanOptions;
  annotations: Record<string, unknown>;
  failures: unknown[];
}

/**
 * A `tracer` dependency that records its spans instead of emitting them, in the order they were opened.
 * Every span has the trace id `traceId` and the id FAKE_SPAN_ID; its header continues that trace.
 */
export const fakeTracer = (traceId = FAKE_TRACE_ID): { tracer: Tracer; spans: RecordedSpan[] } => {
  const spans: RecordedSpan[] = [];
  const tracer: Tracer = async (options, work) => {
    const recorded: RecordedSpan = { options, annotations: {}, failures: [] };
    spans.push(recorded);
    const span: Span = {
      traceId,
      id: FAKE_SPAN_ID,
      annotate: (key, value) => {
        recorded.annotations[key] = value;
      },
      fail: (error) => {
        recorded.failures.push(error);
      },
      header: () => `Root=${traceId};Parent=${FAKE_SPAN_ID};Sampled=1`,
    };
    return work(span);
  };
  return { tracer, spans };
};
