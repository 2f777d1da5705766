import type { Clock, Tracer } from '@order-pipeline/common';
import type { Span } from '@order-pipeline/common/tracing';
import type { Context } from 'aws-lambda';
import { headerValue } from './headers';
import {
  type ApiEvent,
  answeringRequestErrors,
  CORRELATION_HEADER,
  type HttpResponse,
  readCorrelationId,
  TRACE_HEADER_NAME,
} from './http';

/** The logging a route does (Powertools' Logger, masking personal data, satisfies it). */
export interface RouteLogger {
  /** Adds the invocation (request id, function) to every later line (see middleware.ts). */
  addContext?(context: Context): void;
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What every route's handler factory takes besides its AWS resources; real ones in sideEffects.ts. */
export interface RouteDependencies {
  tracer: Tracer;
  uuid(): string;
  clock: Clock;
  logger: RouteLogger;
}

/** What a route's logic gets from the frame it runs in. */
export interface RequestScope {
  correlationId: string;
  /** Headers every answer carries (the correlation id). */
  headers: Record<string, string>;
  span: Span;
}

/**
 * The frame every route runs in: the correlation id (a malformed one is refused with 400), a span
 * named ingest-api continuing the caller's X-Amzn-Trace-Id, and refused requests answered as JSON
 * errors inside the span, so that their segments are not marked as faults.
 */
export const inRequestScope = (
  event: ApiEvent,
  deps: Pick<RouteDependencies, 'tracer' | 'uuid'>,
  route: string,
  work: (scope: RequestScope) => Promise<HttpResponse>,
): Promise<HttpResponse> =>
  answeringRequestErrors(async () => {
    const correlationId = readCorrelationId(event, deps.uuid);
    const headers = { [CORRELATION_HEADER]: correlationId };
    return deps.tracer(
      {
        name: 'ingest-api',
        parentHeader: headerValue(event.headers, TRACE_HEADER_NAME),
        annotations: { correlationId, route },
      },
      (span) => answeringRequestErrors(() => work({ correlationId, headers, span }), headers),
    );
  });
