// The tracing entry points every service uses; the backend behind them is chosen once per process.
import { processBackend } from './backend';
import type { OtlpProtocol } from './otlpExporter';
import type { AwsSdkClient, Span, SpanOptions, TracingBackend } from './span';

let backend: TracingBackend | undefined;
const current = (): TracingBackend => {
  backend ??= processBackend();
  return backend;
};

/**
 * Runs `work` inside a span that continues the producer's trace header (`parentHeader`) and carries
 * `annotations`; AWS clients captured with `captureAwsClient` record their calls under it.
 */
export const inSpan = <T>(options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> =>
  current().inSpan(options, work);

/** Records every call of an AWS SDK v3 client as a child of the active span. */
export const captureAwsClient = <C extends AwsSdkClient>(client: C): C => current().captureAwsClient(client);

/** X-Ray backend: points segment emission at a collector, e.g. `127.0.0.1:2000`. */
export const setDaemonAddress = (address: string): void => {
  (require('./xray') as typeof import('./xray')).setDaemonAddress(address);
};

/** OpenTelemetry backend: sends spans to this OTLP/HTTP traces URL (tests, the local collector). */
export const setOtlpEndpoint = (url: string, protocol?: OtlpProtocol): Promise<void> =>
  (require('./otel') as typeof import('./otel')).setOtlpEndpoint(url, protocol);
