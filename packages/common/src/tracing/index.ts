export { selectBackend, TRACING_BACKENDS, type TracingBackendName, tracingBackendName } from './backend';
export type { AnnotationValue, AwsSdkClient, Span, SpanOptions } from './span';
export {
  formatTraceHeader,
  newSegmentId,
  newTraceId,
  parseTraceHeader,
  type TraceHeader,
  tryParseTraceHeader,
} from './traceHeader';
export { captureAwsClient, inSpan, setDaemonAddress, setOtlpEndpoint } from './tracer';
