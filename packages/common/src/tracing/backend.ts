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

/**
 * Loads only the chosen backend. The bundles are built with `process.env.TRACING_BACKEND` defined as
 * the stage's value (serverless.shared.yml), so esbuild drops the other branch and the unused SDK is
 * not even in the bundle; without that definition (tests, scripts) the choice is made at run time.
 */
export const selectBackend = (name: TracingBackendName = tracingBackendName()): TracingBackend =>
  name === 'otel'
    ? (require('./otel') as typeof import('./otel')).otelBackend
    : (require('./xray') as typeof import('./xray')).xrayBackend;
