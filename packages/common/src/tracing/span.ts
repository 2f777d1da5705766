// What the services see of tracing, whichever backend records it (xray.ts or otel.ts).
import { maskText } from '../redaction';

export type AnnotationValue = string | number | boolean;

/** What a service sees of a span: ids, annotations, errors and the header to propagate. */
export interface Span {
  /** X-Ray format (`1-<8 hex>-<24 hex>`) with either backend. */
  readonly traceId: string;
  readonly id: string;
  annotate(key: string, value: AnnotationValue | undefined): void;
  /** Marks the span as failed without ending it (e.g. a record reported as a batch item failure). */
  fail(error: unknown): void;
  /** `AWSTraceHeader` to send on: this trace's Root, this span as Parent. */
  header(): string;
}

export interface SpanOptions {
  /** Span name: the service (`order-consumer`), or a subsegment name under Lambda. */
  name: string;
  /** The producer's trace header (`AWSTraceHeader`, `X-Amzn-Trace-Id`); its Root is continued. */
  parentHeader?: string | undefined;
  annotations?: Record<string, AnnotationValue | undefined>;
}

/** X-Ray annotation keys; the OpenTelemetry backend keeps the same rule so both record the same keys. */
export const ANNOTATION_KEY = /^[A-Za-z0-9_]{1,500}$/;

/**
 * The part of an AWS SDK v3 client that tracing needs: its middleware stack. Structural, so that this
 * package needs no @smithy/types dependency.
 */
export interface AwsSdkClient {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware generics differ per client
    add(middleware: any, options?: any): void;
  };
}

/** One tracing backend: both implement the same three functions. */
export interface TracingBackend {
  inSpan<T>(options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T>;
  captureAwsClient<C extends AwsSdkClient>(client: C): C;
}

/** True inside a real Lambda execution environment (serverless-offline sets IS_OFFLINE). */
export const inLambda = (env: NodeJS.ProcessEnv = process.env): boolean =>
  !env.IS_OFFLINE && Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && Boolean(env.LAMBDA_TASK_ROOT);

let inLambdaProcess: boolean | undefined;

/**
 * `inLambda()` of this process, read once for both backends' per-span path (three environment reads
 * per span were a tenth of its cost): the runtime's variables and serverless-offline's IS_OFFLINE are
 * set before the first invocation and never change.
 */
export const isLambdaProcess = (): boolean => {
  inLambdaProcess ??= inLambda();
  return inLambdaProcess;
};

/**
 * What a span records leaves the process as text, so it is redacted like a log line, whichever backend
 * records it: string annotations are masked, and so is an error's message and stack
 * (messages may echo input); its name (the error's type) is kept.
 */
export const redactedAnnotation = (value: AnnotationValue): AnnotationValue =>
  typeof value === 'string' ? maskText(value) : value;

export const redactedError = (thrown: unknown): Error => {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const masked = new Error(maskText(error.message));
  masked.name = error.name;
  masked.stack = error.stack === undefined ? undefined : maskText(error.stack);
  return masked;
};
