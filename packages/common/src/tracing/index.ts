export {
  formatTraceHeader,
  newSegmentId,
  newTraceId,
  parseTraceHeader,
  type TraceHeader,
  tryParseTraceHeader,
} from './traceHeader';
export { captureAwsClient, inSpan, type Span, type SpanOptions, setDaemonAddress } from './tracer';
