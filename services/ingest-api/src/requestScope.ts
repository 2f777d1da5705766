import type { Span } from '@order-pipeline/common/tracing';
import type { RuntimeDeps } from './deps';
import {
  type ApiEvent,
  answeringRequestErrors,
  CORRELATION_HEADER,
  type HttpResponse,
  headerValue,
  readCorrelationId,
  TRACE_HEADER_NAME,
} from './http';

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
  deps: Pick<RuntimeDeps, 'trace' | 'uuid'>,
  route: string,
  work: (scope: RequestScope) => Promise<HttpResponse>,
): Promise<HttpResponse> =>
  answeringRequestErrors(async () => {
    const correlationId = readCorrelationId(event, deps.uuid);
    const headers = { [CORRELATION_HEADER]: correlationId };
    return deps.trace(
      {
        name: 'ingest-api',
        parentHeader: headerValue(event.headers, TRACE_HEADER_NAME),
        annotations: { correlationId, route },
      },
      (span) => answeringRequestErrors(() => work({ correlationId, headers, span }), headers),
    );
  });
