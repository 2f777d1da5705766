import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorDetails } from './errors';
import { internalErrorResponse } from './http';
import type { RouteLogger } from './requestScope';

/**
 * Adds the invocation to every log line, and answers anything the request logic did not expect with
 * a JSON 500 that says nothing of the cause (the cause is logged). Expected failures never get here:
 * the logic answers them (4xx, 503).
 */
export const jsonErrors = (
  logger: RouteLogger,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: (request) => {
    logger.addContext?.(request.context);
  },
  onError: (request) => {
    logger.error('unexpected error', { error: errorDetails(request.error) });
    request.response = internalErrorResponse();
  },
});
