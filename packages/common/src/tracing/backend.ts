import { ConfigurationError } from '../errors';
import type { TracingBackend } from './span';

/**
 * `xray`: aws-xray-sdk-core, the default until the X-Ray SDKs' end of support (2027-02-25);
 * `otel`: OpenTelemetry with X-Ray's propagator and ids (the way AWS recommends after it).
 */
export const TRACING_BACKENDS = ['xray', 'otel'] as const;
export type TracingBackendName = (typeof TRACING_BACKENDS)[number];

/** TRACING_BACKEND (the stage parameter `tracingBackend`), `xray` when unset. */
export const tracingBackendName = (env: NodeJS.ProcessEnv = process.env): TracingBackendName => {
  const name = env.TRACING_BACKEND ?? 'xray';
  if (!(TRACING_BACKENDS as readonly string[]).includes(name)) {
    throw new ConfigurationError(
      `environment variable TRACING_BACKEND must be one of ${TRACING_BACKENDS.join(', ')}, got "${name}"`,
      'TRACING_BACKEND',
    );
  }
  return name as TracingBackendName;
};

/** The backend named `name` (tests, tools); services go through `processBackend()`. */
export const selectBackend = (name: TracingBackendName): TracingBackend =>
  name === 'otel'
    ? (require('./otel') as typeof import('./otel')).otelBackend
    : (require('./xray') as typeof import('./xray')).xrayBackend;

/**
 * This process's backend, loading only that one. The bundles are built with
 * `process.env.TRACING_BACKEND` defined as the stage's value (serverless.shared.yml), so the test
 * below becomes `"xray" === "otel"` and esbuild leaves the other backend, and its SDK, out of the
 * bundle. It must read `process.env.TRACING_BACKEND` literally for that. Without the definition
 * (tests, scripts) the choice is made at run time.
 */
export const processBackend = (): TracingBackend =>
  // A conditional expression, not an early return: esbuild drops the untaken branch of a constant one.
  process.env.TRACING_BACKEND === 'otel'
    ? (require('./otel') as typeof import('./otel')).otelBackend
    : checkedXRayBackend();

const checkedXRayBackend = (): TracingBackend => {
  tracingBackendName(); // refuses a value that is neither backend
  return (require('./xray') as typeof import('./xray')).xrayBackend;
};
