import middy from '@middy/core';
import { lambdaContext, recordingLogger } from '@order-pipeline/common/testing';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { jsonErrors } from '../src/middleware';
import { restApiEvent } from './factories';

describe('jsonErrors()', () => {
  it('answers an unexpected error with a JSON 500 that reveals nothing, and logs the cause', async () => {
    const { logger, lines } = recordingLogger();
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(jsonErrors(logger))
      .handler(async () => {
        throw new Error('connection string postgres://admin:secret@db');
      });

    const response = await handler(restApiEvent(), lambdaContext());

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'internal-error', message: 'internal error' },
    });
    expect(response.body).not.toContain('secret');
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'unexpected error',
        attributes: { error: expect.objectContaining({ message: expect.stringContaining('secret') }) },
      },
    ]);
  });

  it('leaves an answer the handler gave untouched', async () => {
    const { logger } = recordingLogger();
    const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(jsonErrors(logger))
      .handler(async () => ({ statusCode: 202, body: '{}' }));

    expect(await handler(restApiEvent(), lambdaContext())).toEqual({ statusCode: 202, body: '{}' });
  });
});
