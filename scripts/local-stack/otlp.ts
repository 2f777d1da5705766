import type { SegmentDocument } from '../traces/traceTree';

/**
 * OTLP/HTTP JSON (ExportTraceServiceRequest) to the segment documents the X-Ray collector stores, so
 * `pnpm traces` draws one tree whichever backend the services use.
 * https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValue[];
  status?: { code?: number };
}
interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

// X-Ray annotation keys: attributes such as `rpc.method` or `metadata.x` are not annotations.
const ANNOTATION_KEY = /^[A-Za-z0-9_]{1,500}$/;
const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;
const STATUS_ERROR = 2;

const scalar = (value: AnyValue | undefined): string | number | boolean | undefined => {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue;
};

const seconds = (nanos: string | number | undefined): number | undefined =>
  nanos === undefined ? undefined : Number(BigInt(nanos)) / 1e9;

const toDocument = (span: OtlpSpan, service: string): SegmentDocument | undefined => {
  const { traceId, spanId, parentSpanId } = span;
  const start = seconds(span.startTimeUnixNano);
  if (
    !traceId ||
    !HEX_TRACE_ID.test(traceId) ||
    !spanId ||
    !HEX_SPAN_ID.test(spanId) ||
    start === undefined
  ) {
    return undefined;
  }
  const annotations: Record<string, string | number | boolean> = {};
  for (const { key, value } of span.attributes ?? []) {
    const scalarValue = scalar(value);
    if (ANNOTATION_KEY.test(key) && scalarValue !== undefined) annotations[key] = scalarValue;
  }
  const end = seconds(span.endTimeUnixNano);
  const failed = span.status?.code === STATUS_ERROR;
  return {
    id: spanId,
    trace_id: `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`,
    ...(parentSpanId && HEX_SPAN_ID.test(parentSpanId) ? { parent_id: parentSpanId } : {}),
    name: span.name ?? '?',
    service_name: service,
    start_time: start,
    ...(end === undefined ? {} : { end_time: end }),
    ...(failed ? { fault: true } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
};

/** Every span of an OTLP/HTTP JSON request as a segment document; malformed spans are dropped. */
export const otlpJsonToDocuments = (body: unknown): SegmentDocument[] => {
  const request = body as ExportTraceServiceRequest;
  if (typeof request !== 'object' || request === null || !Array.isArray(request.resourceSpans)) return [];
  return request.resourceSpans.flatMap((resourceSpans) => {
    const serviceName = scalar(
      resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value,
    );
    const service = typeof serviceName === 'string' ? serviceName : '?';
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).flatMap((span) => toDocument(span, service) ?? []),
    );
  });
};
