// The X-Ray SDK backend (the default until the SDK's end of support, 2027-02-25): the only module
// that imports aws-xray-sdk-core. otel.ts is the OpenTelemetry one; index.ts picks.
//
// The SDK's own entry point (`aws-xray-sdk-core`) loads every patcher and plugin it has: the SDK v2
// patcher with semver, http/promise/SQL capture, the EC2/ECS/Beanstalk plugins. This backend needs
// five of its modules, so it loads those alone and does the entry point's start-up itself (SDK data on
// every segment, the Lambda facade segment): a fifth less bundle and ~10 ms less init per cold start
// (README, Benchmarks). The SDK is pinned (3.12.0) and in maintenance mode, so these paths will not move;
// test/tracer.test.ts and the e2e trace tests check what the segments carry.
import contextUtils = require('aws-xray-sdk-core/dist/lib/context_utils');
import daemonConfig = require('aws-xray-sdk-core/dist/lib/daemon_config');

import { captureAWSClient } from 'aws-xray-sdk-core/dist/lib/patchers/aws3_p';

import Segment = require('aws-xray-sdk-core/dist/lib/segments/segment');
import Subsegment = require('aws-xray-sdk-core/dist/lib/segments/attributes/subsegment');
import segmentUtils = require('aws-xray-sdk-core/dist/lib/segments/segment_utils');

import sdkPackage from 'aws-xray-sdk-core/package.json';
import {
  ANNOTATION_KEY,
  type AwsSdkClient,
  isLambdaProcess,
  redactedAnnotation,
  redactedError,
  type Span,
  type SpanOptions,
  type TracingBackend,
} from './span';
import { formatTraceHeader, newTraceId, type TraceHeader, tryParseTraceHeader } from './traceHeader';

// What the SDK's entry point does when it loads (dist/lib/aws-xray.js): every segment names the SDK
// and the runtime, and on Lambda the invocation's facade segment becomes the context's segment.
segmentUtils.setSDKData({
  sdk: 'X-Ray for Node.js',
  sdk_version: sdkPackage.version,
  package: sdkPackage.name,
});
segmentUtils.setServiceData({
  runtime: process.release?.name ?? 'unknown',
  runtime_version: process.version,
  version: process.env.npm_package_version ?? 'unknown',
  name: process.env.npm_package_name ?? 'unknown',
});
if (process.env.LAMBDA_TASK_ROOT) {
  (require('aws-xray-sdk-core/dist/lib/env/aws_lambda') as { init(): void }).init();
}

// A call made outside any segment (a script, a test) is simply not traced, instead of throwing or
// printing an error per call.
contextUtils.setContextMissingStrategy('IGNORE_ERROR');

type XRaySegment = Segment | Subsegment;

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
const lambdaFacade = (): Segment | undefined => {
  if (!isLambdaProcess()) return undefined;
  const current = contextUtils.getSegment();
  if (current === undefined) return undefined;
  const facade = current instanceof Subsegment ? current.segment : current;
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
  const segment = new Segment(options.name, traceId, parent?.parent ?? null);
  segment.origin = 'AWS::Lambda::Function';
  if (parent?.sampled === '0') segment.notTraced = true;
  return { segment, traceId };
};

/**
 * Runs `work` inside a span: a subsegment of the invocation on Lambda, or a segment of its own
 * (continuing the parent header's Root) everywhere else, emitted to AWS_XRAY_DAEMON_ADDRESS when it
 * ends. AWS clients captured with `captureAwsClient` record their calls under it.
 */
const inSpan = <T>(options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> => {
  // Promise chaining rather than async/await: with the SDK's async hooks on (always, on Lambda), every
  // await allocates one more promise that each hook sees, and this runs once per consumed record.
  let segment: XRaySegment | undefined;
  try {
    const producer = tryParseTraceHeader(options.parentHeader);
    const opened = openSegment(options, producer);
    const current = opened.segment;
    segment = current;
    const span = wrap(current, opened.traceId);
    span.annotate('producerTraceId', producer?.root);
    for (const key in options.annotations) span.annotate(key, options.annotations[key]);
    return contextUtils
      .getNamespace()
      .runAndReturn(() => {
        contextUtils.setSegment(current);
        return work(span);
      })
      .then(
        (result) => {
          current.close();
          return result;
        },
        (error: unknown) => {
          current.close(redactedError(error));
          throw error;
        },
      );
  } catch (error) {
    // Thrown before `work` returned a promise: fail the same way, as a rejection.
    segment?.close(redactedError(error));
    return Promise.reject(error);
  }
};

/** Records every call of an AWS SDK v3 client as a subsegment of the active span. */
const captureAwsClient = <C extends AwsSdkClient>(client: C): C =>
  captureAWSClient(client as unknown as Parameters<typeof captureAWSClient>[0]) as unknown as C;

export const xrayBackend: TracingBackend = { inSpan, captureAwsClient };

/** Points segment emission at a collector, e.g. `127.0.0.1:2000`; AWS_XRAY_DAEMON_ADDRESS wins if set. */
export const setDaemonAddress = (address: string): void => {
  daemonConfig.setDaemonAddress(address);
};
