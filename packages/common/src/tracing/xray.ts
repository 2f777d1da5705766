// The X-Ray SDK backend (the default until the SDK's end of support, 2027-02-25): the only module
// that imports aws-xray-sdk-core. otel.ts is the OpenTelemetry one; index.ts picks.
import AWSXRay from 'aws-xray-sdk-core';
import {
  ANNOTATION_KEY,
  type AwsSdkClient,
  inLambda,
  redactedAnnotation,
  redactedError,
  type Span,
  type SpanOptions,
  type TracingBackend,
} from './span';
import { formatTraceHeader, newTraceId, type TraceHeader, tryParseTraceHeader } from './traceHeader';

// A call made outside any segment (a script, a test) is simply not traced, instead of throwing or
// printing an error per call.
AWSXRay.setContextMissingStrategy('IGNORE_ERROR');

type XRaySegment = AWSXRay.Segment | AWSXRay.Subsegment;

const wrap = (segment: XRaySegment, traceId: string): Span => ({
  traceId,
  id: segment.id,
  annotate(key, value) {
    if (value === undefined || !ANNOTATION_KEY.test(key)) return;
    segment.addAnnotation(key, redactedAnnotation(value));
  },
  fail(error) {
    segment.addError(redactedError(error));
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
  if (!inLambda()) return undefined;
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
const inSpan = async <T>(options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> => {
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
    segment.close(redactedError(error));
    throw error;
  }
};

/** Records every call of an AWS SDK v3 client as a subsegment of the active span. */
const captureAwsClient = <C extends AwsSdkClient>(client: C): C =>
  AWSXRay.captureAWSv3Client(
    client as unknown as Parameters<typeof AWSXRay.captureAWSv3Client>[0],
  ) as unknown as C;

export const xrayBackend: TracingBackend = { inSpan, captureAwsClient };

/** Points segment emission at a collector, e.g. `127.0.0.1:2000`; AWS_XRAY_DAEMON_ADDRESS wins if set. */
export const setDaemonAddress = (address: string): void => {
  AWSXRay.setDaemonAddress(address);
};
