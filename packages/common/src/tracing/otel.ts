// The OpenTelemetry backend: the only module (with otlpExporter.ts) that imports an OpenTelemetry SDK.
// Trace ids are X-Ray's (epoch second first) and headers are X-Ray's `Root=…;Parent=…;Sampled=…`, so
// a trace continues across SQS exactly as with the X-Ray SDK, and X-Ray shows it as one trace.
// https://docs.aws.amazon.com/xray/latest/devguide/xray-sdk-migration.html
import {
  type Context,
  context,
  defaultTextMapGetter,
  type Span as OtelSpan,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { AWSXRAY_TRACE_ID_HEADER, AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ConfigurationError } from '../errors';
import { type OtlpProtocol, OtlpTraceExporter, xrayOtlpRegion } from './otlpExporter';
import {
  ANNOTATION_KEY,
  type AwsSdkClient,
  inLambda,
  isLambdaProcess,
  redactedAnnotation,
  redactedError,
  type Span,
  type SpanOptions,
  type TracingBackend,
} from './span';
import { formatTraceHeader, tryParseTraceHeader } from './traceHeader';

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

export interface OtelSettings {
  url: string;
  protocol: OtlpProtocol;
  serviceName: string;
}

/**
 * Where spans go, from the standard OTEL_* variables; by default X-Ray's OTLP endpoint on Lambda
 * (SigV4-signed, protobuf) and the local stack's collector elsewhere.
 */
export const otelSettings = (env: NodeJS.ProcessEnv = process.env): OtelSettings => {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const url =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (base === undefined ? undefined : `${base}/v1/traces`) ??
    (inLambda(env)
      ? `https://xray.${env.AWS_REGION}.amazonaws.com/v1/traces`
      : 'http://127.0.0.1:4318/v1/traces');
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ConfigurationError(
      `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be one of ${PROTOCOLS.join(', ')}, got "${protocol}"`,
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    );
  }
  const serviceName =
    env.OTEL_SERVICE_NAME ?? env.POWERTOOLS_SERVICE_NAME ?? env.AWS_LAMBDA_FUNCTION_NAME ?? 'order-pipeline';
  return { url, protocol: protocol as OtlpProtocol, serviceName };
};

interface OtelState {
  provider: TracerProvider;
  tracer: ReturnType<TracerProvider['getTracer']>;
  /** Spans started outside any span and not ended yet; when none is left, the spans are flushed. */
  openRoots: number;
}

const propagator = new AWSXRayPropagator();

let warned = false;
/** Says once per process that spans are being lost, and why (the collector is down, the URL is wrong). */
const warnOnce = (error: unknown): void => {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `OpenTelemetry spans were not exported: ${error instanceof Error ? error.message : String(error)}`,
    {
      code: 'ORDER_PIPELINE_OTLP_EXPORT',
    },
  );
};
let state: OtelState | undefined;
let contextManagerSet = false;

const start = (settings: OtelSettings): OtelState => {
  if (!contextManagerSet) {
    // Keeps each record's span its own across the concurrent records of a batch.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const exporter = new OtlpTraceExporter({
    url: settings.url,
    protocol: settings.protocol,
    signingRegion: xrayOtlpRegion(settings.url),
  });
  const provider = new TracerProvider({
    idGenerator: new AWSXRayIdGenerator(),
    // Sampled=0 from the producer (or Lambda) is honoured; otherwise every span is recorded, as the
    // X-Ray SDK's segments are. Lambda's own sampling decides upstream.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 4096, maxExportBatchSize: 512 })],
  });
  return { provider, tracer: provider.getTracer('@order-pipeline/common'), openRoots: 0 };
};

const otel = (): OtelState => {
  state ??= start(otelSettings());
  return state;
};

/** Sends spans elsewhere (tests, the local collector); the spans already finished are flushed first. */
export const setOtlpEndpoint = async (url: string, protocol: OtlpProtocol = 'http/json'): Promise<void> => {
  const previous = state;
  state = start({ ...otelSettings(), url, protocol });
  await previous?.provider.shutdown();
};

/** `1-<8 hex>-<24 hex>` from OpenTelemetry's 32 hex digits (X-Ray ids put the epoch second first). */
export const toXRayTraceId = (traceId: string): string => `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;

const wrap = (span: OtelSpan): Span => {
  const { traceId, spanId, traceFlags } = span.spanContext();
  const sampled = (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  const xrayTraceId = toXRayTraceId(traceId);
  return {
    traceId: xrayTraceId,
    id: spanId,
    annotate(key, value) {
      if (value === undefined || !ANNOTATION_KEY.test(key)) return;
      span.setAttribute(key, redactedAnnotation(value));
    },
    fail(error) {
      const redacted = redactedError(error);
      span.recordException(redacted);
      span.setStatus({ code: SpanStatusCode.ERROR, message: redacted.message });
    },
    header() {
      return formatTraceHeader({ root: xrayTraceId, parent: spanId, sampled: sampled ? '1' : '0' });
    },
  };
};

const remoteParent = (header: string | undefined): Context =>
  header === undefined
    ? ROOT_CONTEXT
    : propagator.extract(ROOT_CONTEXT, { [AWSXRAY_TRACE_ID_HEADER]: header }, defaultTextMapGetter);

/**
 * Runs `work` inside a span: a child of the active span if there is one; else, on Lambda, a child of
 * the invocation (`_X_AMZN_TRACE_ID`, as the X-Ray SDK's subsegments are); else a child of the
 * producer's header. When the last span started outside any span ends, the finished spans are
 * exported before this resolves: Lambda may freeze the process as soon as the handler returns.
 */
const inSpan = async <T>(options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> => {
  const current = otel();
  const producer = tryParseTraceHeader(options.parentHeader);
  const active = trace.getSpan(context.active());
  const parent =
    active !== undefined
      ? context.active()
      : remoteParent(isLambdaProcess() ? process.env._X_AMZN_TRACE_ID : producer && options.parentHeader);
  const isRoot = active === undefined;
  if (isRoot) current.openRoots++;
  try {
    return await current.tracer.startActiveSpan(
      options.name,
      { kind: SpanKind.SERVER },
      parent,
      async (otelSpan): Promise<T> => {
        const span = wrap(otelSpan);
        span.annotate('producerTraceId', producer?.root);
        for (const [key, value] of Object.entries(options.annotations ?? {})) span.annotate(key, value);
        try {
          return await work(span);
        } catch (error) {
          span.fail(error);
          throw error;
        } finally {
          otelSpan.end();
        }
      },
    );
  } finally {
    if (isRoot && --current.openRoots === 0) {
      // An export that fails must not fail the work; the spans are lost, as UDP segments would be.
      await current.provider.forceFlush().catch(warnOnce);
    }
  }
};

interface SdkContext {
  clientName?: string;
  commandName?: string;
}

interface SdkOutput {
  response?: { statusCode?: number };
  output?: { $metadata?: { requestId?: string; attempts?: number } };
}

/**
 * Records every call of an AWS SDK v3 client as a child span (`SQS.SendMessage`), as the X-Ray SDK's
 * subsegments are: one middleware on the client instead of @opentelemetry/instrumentation-aws-sdk,
 * whose module patching does not reach a bundled SDK and costs start-up time.
 */
const captureAwsClient = <C extends AwsSdkClient>(client: C): C => {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<SdkOutput>, sdkContext: SdkContext) => async (args: unknown) => {
      // A call outside any span (a script, a test) is not traced, as with the X-Ray SDK.
      if (trace.getSpan(context.active()) === undefined) return next(args);
      const service = (sdkContext.clientName ?? 'AWS').replace(/Client$/, '');
      const operation = (sdkContext.commandName ?? 'Unknown').replace(/Command$/, '');
      const span = otel().tracer.startSpan(`${service}.${operation}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation },
      });
      try {
        const result = await context.with(trace.setSpan(context.active(), span), () => next(args));
        const requestId = result.output?.$metadata?.requestId;
        if (requestId !== undefined) span.setAttribute('aws.request_id', requestId);
        return result;
      } catch (error) {
        span.recordException(redactedError(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
    // `initialize` wraps the whole call, retries included, as the X-Ray subsegment does.
    { step: 'initialize', name: 'orderPipelineOtelSpan', override: true },
  );
  return client;
};

export const otelBackend: TracingBackend = { inSpan, captureAwsClient };
