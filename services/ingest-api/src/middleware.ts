import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errorDetails, type Log } from './deps';
import { internalErrorResponse } from './http';

export interface HandlerLog extends Log {
  addContext?(context: Context): void;
}

/**
 * Adds the invocation to every log line, and answers anything the request logic did not expect with
 * a JSON 500 that says nothing of the cause (the cause is logged). Expected failures never get here:
 * the logic answers them (4xx, 503).
 */
export const jsonErrors = (log: HandlerLog): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    log.addContext?.(request.context);
  },
  onError: (request) => {
    log.error('unexpected error', { error: errorDetails(request.error) });
    request.response = internalErrorResponse();
  },
});
