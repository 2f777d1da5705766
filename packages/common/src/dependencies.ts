// The dependencies every function's handler factory takes under the same name (README, Layout):
// `tracer`, `clock`, `logger`; the fakes for them are in ./testing.
import type { inSpan } from './tracing/tracer';

/** Runs work inside a span: `inSpan` of @order-pipeline/common/tracing, or `fakeTracer()` in a test. */
export type Tracer = typeof inSpan;

/** The time now: `() => new Date()`, or a fixed one in a test. */
export type Clock = () => Date;
