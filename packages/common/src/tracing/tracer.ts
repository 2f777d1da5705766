// The only module that imports aws-xray-sdk-core (maintenance mode upstream): an OpenTelemetry
// backend can replace it here without touching a service.
import AWSXRay from 'aws-xray-sdk-core';
import { maskPersonalData, maskText } from '../redaction';
import { formatTraceHeader, newTraceId, type TraceHeader, tryParseTraceHeader } from './traceHeader';

// A call made outside any segment (a script, a test) is simply not traced, instead of throwing or
// printing an error per call.
AWSXRay.setContextMissingStrategy('IGNORE_ERROR');

type AnnotationValue = string | number | boolean;
type XRaySegment = AWSXRay.Segment | AWSXRay.Subsegment;

/** What a service sees of a segment: ids, annotations, errors and the header to propagate. */
export interface Span {
  readonly traceId: string;
  readonly id: string;
  readonly sampled: boolean;
  annotate(key: string, value: AnnotationValue | undefined): void;
  metadata(key: string, value: unknown): void;
  /** Marks the span as failed without ending it (e.g. a record reported as a batch item failure). */
  fail(error: unknown): void;
  /** `AWSTraceHeader` to send on: this trace's Root, this span as Parent. */
  header(): string;
}

export interface SpanOptions {
  /** Segment name: the service (`order-consumer`), or a subsegment name under Lambda. */
  name: string;
  /** The producer's trace header (`AWSTraceHeader`, `X-Amzn-Trace-Id`); its Root is continued. */
  parentHeader?: string | undefined;
  annotations?: Record<string, AnnotationValue | undefined>;
}

const ANNOTATION_KEY = /^[A-Za-z0-9_]{1,500}$/;

/**
 * What a segment records of an error (its cause's message and stack): masked like a log line, since
 * messages may echo input. The name (the error's type) is kept.
 */
const maskedError = (thrown: unknown): Error => {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const masked = new Error(maskText(error.message));
  masked.name = error.name;
  masked.stack = error.stack === undefined ? undefined : maskText(error.stack);
  return masked;
};

const wrap = (segment: XRaySegment, traceId: string): Span => ({
  traceId,
  id: segment.id,
  sampled: segment.notTraced !== true,
  annotate(key, value) {
    if (value === undefined || !ANNOTATION_KEY.test(key)) return;
    segment.addAnnotation(key, typeof value === 'string' ? maskText(value) : value);
  },
  metadata(key, value) {
    segment.addMetadata(key, maskPersonalData(value, key));
  },
  fail(error) {
    segment.addError(maskedError(error));
  },
  header() {
    return formatTraceHeader({ root: traceId, parent: segment.id, sampled: segment.notTraced ? '0' : '1' });
  },
});

/**
 * The Lambda runtime's facade segment, when this process really is in Lambda with active tracing.
 * serverless-offline sets IS_OFFLINE and has no facade worth attaching to.
 */
const lambdaFacade = (): AWSXRay.Segment | undefined => {
  if (process.env.IS_OFFLINE || !process.env.AWS_LAMBDA_FUNCTION_NAME || !process.env.LAMBDA_TASK_ROOT) {
    return undefined;
  }
  const current = AWSXRay.getSegment();
  if (current === undefined) return undefined;
  const facade = current instanceof AWSXRay.Subsegment ? current.segment : current;
  return facade.trace_id?.startsWith('1-') ? facade : undefined;
};

const openSegment = (
  options: SpanOptions,
  parent: TraceHeader | undefined,
): { segment: XRaySegment; traceId: string } => {
  const facade = lambdaFacade();
  if (facade !== undefined) {
    // X-Ray links the SQS producer's trace to this invocation from the record's AWSTraceHeader:
    // https://docs.aws.amazon.com/xray/latest/devguide/xray-services-sqs.html
    return { segment: facade.addNewSubsegment(options.name), traceId: facade.trace_id };
  }
  const traceId = parent?.root ?? newTraceId();
  const segment = new AWSXRay.Segment(options.name, traceId, parent?.parent ?? null);
  segment.origin = 'AWS::Lambda::Function';
  if (parent?.sampled === '0') segment.notTraced = true;
  return { segment, traceId };
};

/**
 * Runs `work` inside a span: a subsegment of the invocation on Lambda, or a segment of its own
 * (continuing the parent header's Root) everywhere else, emitted to AWS_XRAY_DAEMON_ADDRESS when it
 * ends. AWS clients captured with `captureAwsClient` record their calls under it.
 */
export const inSpan = async <T>(options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> => {
  const producer = tryParseTraceHeader(options.parentHeader);
  const { segment, traceId } = openSegment(options, producer);
  const span = wrap(segment, traceId);
  span.annotate('producerTraceId', producer?.root);
  for (const [key, value] of Object.entries(options.annotations ?? {})) span.annotate(key, value);
  const namespace = AWSXRay.getNamespace();
  try {
    const result = await namespace.runAndReturn(() => {
      AWSXRay.setSegment(segment);
      return work(span);
    });
    segment.close();
    return result;
  } catch (error) {
    segment.close(maskedError(error));
    throw error;
  }
};

/** Records every call of an AWS SDK v3 client as a subsegment of the active span. */
export const captureAwsClient = <C extends Parameters<typeof AWSXRay.captureAWSv3Client>[0]>(client: C): C =>
  AWSXRay.captureAWSv3Client(client);

/** Points segment emission at a collector, e.g. `127.0.0.1:2000`; AWS_XRAY_DAEMON_ADDRESS wins if set. */
export const setDaemonAddress = (address: string): void => {
  AWSXRay.setDaemonAddress(address);
};
