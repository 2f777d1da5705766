/**
 * What the store authorizer puts in `requestContext.authorizer` (API Gateway passes a Lambda
 * authorizer's `context` there, every value as a string:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * A module of its own, like headers.ts, so that the authorizer's bundle stays small.
 */
export const AUTHORIZER_CONTEXT = { storeId: 'storeId', status: 'storeStatus' } as const;
