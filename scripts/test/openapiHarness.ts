// What the OpenAPI contract test drives: the ingest-api's real handlers behind a stand-in for API Gateway
// (the store authorizer first, then the route's function, with the event API Gateway builds), and the
// document's response schemas compiled with ajv (JSON Schema 2020-12, OpenAPI 3.1's dialect).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lambdaContext } from '@order-pipeline/common/testing';
import { REPO_ROOT } from '@order-pipeline/local-aws';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { type Authorizer, type Handler, restApiEvent } from '../../services/ingest-api/test/factories';
import { DOCUMENT_PATH } from '../openapi/document';

export type { Authorizer, Handler };
export type OperationId = 'createOrder' | 'createOrderBatch' | 'getOrder';
export type Handlers = Record<OperationId, Handler>;

/** A request as a client sends it (curl, an .http file): path under the API's base URL. */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface Answer {
  operationId: OperationId;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The route a request takes, as the REST API's resources (serverless.yml) match it. */
export const routeOf = (
  request: Pick<HttpRequest, 'method' | 'path'>,
): { operationId: OperationId; resource: string; pathParameters: Record<string, string> | null } => {
  if (request.method === 'POST' && request.path === '/orders') {
    return { operationId: 'createOrder', resource: '/orders', pathParameters: null };
  }
  if (request.method === 'POST' && request.path === '/orders/batch') {
    return { operationId: 'createOrderBatch', resource: '/orders/batch', pathParameters: null };
  }
  const get = /^\/orders\/([^/]+)$/.exec(request.path);
  if (request.method === 'GET' && get?.[1] !== undefined) {
    return {
      operationId: 'getOrder',
      resource: '/orders/{orderId}',
      pathParameters: { orderId: decodeURIComponent(get[1]) },
    };
  }
  throw new Error(`no route for ${request.method} ${request.path}`);
};

const contentTypeOf = (headers: Record<string, string>): string =>
  Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';

/**
 * Sends a request as API Gateway would: the store authorizer decides (a Deny is API Gateway's 403,
 * answered as `denied`), then the route's function gets the proxy event, the authorizer's context in
 * `requestContext.authorizer`, and a JSON body base64-encoded byte for byte (binaryMediaTypes).
 * `withoutAuthorizer` skips the authorizer: a function reached without it (a misconfigured API).
 */
export const sendThrough = async (
  request: HttpRequest,
  deps: { handlers: Handlers; authorize: Authorizer; withoutAuthorizer?: boolean },
): Promise<Answer | { denied: true }> => {
  const route = routeOf(request);
  let store: { storeId: number; status: 'open' | 'closed' } | null = null;
  if (!deps.withoutAuthorizer) {
    const decision = await deps.authorize(
      {
        type: 'REQUEST',
        methodArn: `arn:aws:execute-api:eu-west-1:000000000000:api/local/${request.method}${route.resource}`,
        headers: request.headers,
      } as unknown as APIGatewayRequestAuthorizerEvent,
      lambdaContext(),
    );
    if (decision.policyDocument.Statement[0]?.Effect !== 'Allow') return { denied: true };
    store = {
      storeId: Number(decision.context?.storeId),
      status: decision.context?.storeStatus === 'closed' ? 'closed' : 'open',
    };
  }
  const bytes = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const binary = /^application\/json/i.test(contentTypeOf(request.headers));
  const event = restApiEvent({
    method: request.method as 'GET' | 'POST',
    path: request.path,
    resource: route.resource,
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    body: bytes === undefined ? undefined : binary ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: bytes !== undefined && binary,
    store,
  });
  // The client's headers exactly, none of the factory's defaults.
  event.headers = { ...request.headers };
  event.multiValueHeaders = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [v]]));
  const response = await deps.handlers[route.operationId](event, lambdaContext());
  return {
    operationId: route.operationId,
    status: response.statusCode,
    headers: Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    ),
    body: JSON.parse(response.body),
  };
};

// --- the document ----------------------------------------------------------------------------------

interface HeaderObject {
  required?: boolean;
  schema: object;
}
interface ResponseObject {
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content: { 'application/json': { schema: object; examples?: Record<string, { value: unknown }> } };
}
interface OperationObject {
  operationId: OperationId;
  parameters: Array<{ $ref: string }>;
  requestBody?: { content: { 'application/json': { examples: Record<string, { value: unknown }> } } };
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    parameters: Record<string, { name: string; in: string; example?: string }>;
    headers: Record<string, HeaderObject>;
    schemas: Record<string, JsonSchema>;
  };
}

/** A JSON Schema as the document holds it (zod's output, and x-refinements). */
export interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  'x-refinements'?: string[];
}

/** docs/openapi.json as checked in (its freshness is scripts/test/openapi.test.ts's). */
export const loadDocument = (): OpenApiDocument =>
  JSON.parse(readFileSync(join(REPO_ROOT, DOCUMENT_PATH), 'utf8')) as OpenApiDocument;

export const operations = (document: OpenApiDocument) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** Checks answers (and examples) against the document's response schemas and headers. */
export const documentChecker = (document: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The whole document as one schema resource, so that every `#/components/schemas/...` resolves.
  ajv.addSchema(document, 'openapi.json');
  const located = new Map(operations(document).map((entry) => [entry.operation.operationId, entry]));
  const responseOf = (operationId: OperationId, status: number) => {
    const entry = located.get(operationId);
    const response = entry?.operation.responses[String(status)];
    if (entry === undefined || response === undefined) {
      throw new Error(`${operationId} does not document status ${status}`);
    }
    return { entry, response };
  };
  const headerOf = (header: HeaderObject | { $ref: string }): HeaderObject =>
    '$ref' in header
      ? (document.components.headers[header.$ref.split('/').at(-1) ?? ''] as HeaderObject)
      : header;
  return {
    /** The ajv errors of `body` against the documented schema of this answer, [] when it matches. */
    bodyErrors(operationId: OperationId, status: number, body: unknown): string[] {
      const { entry } = responseOf(operationId, status);
      const ref = `openapi.json#/${pointer('paths', entry.path, entry.method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
      const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
      return validate(body)
        ? []
        : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
    },
    /** What is wrong with the answer's headers: undocumented, missing though required, or off-schema. */
    headerErrors(answer: Answer): string[] {
      const { response } = responseOf(answer.operationId, answer.status);
      const documented = new Map(
        Object.entries(response.headers ?? {}).map(([name, header]) => [
          name.toLowerCase(),
          headerOf(header),
        ]),
      );
      const problems: string[] = [];
      for (const [name, value] of Object.entries(answer.headers)) {
        if (name === 'content-type') continue;
        const header = documented.get(name);
        if (header === undefined) problems.push(`${name} is not documented`);
        else if (!ajv.validate(header.schema, value)) problems.push(`${name}: ${value} is off its schema`);
      }
      for (const [name, header] of documented) {
        if (header.required && !(name in answer.headers)) problems.push(`${name} is required but missing`);
      }
      return problems;
    },
    /** The ajv errors of `value` against a component schema, [] when it matches. */
    componentErrors(id: string, value: unknown): string[] {
      const ref = `openapi.json#/components/schemas/${id}`;
      const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
      return validate(value)
        ? []
        : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
    },
    /** The value of a named example of this answer. */
    example(operationId: OperationId, status: number, name: string): unknown {
      return responseOf(operationId, status).response.content['application/json'].examples?.[name]?.value;
    },
    /** The codes the document lists for this status of this operation. */
    codes(operationId: OperationId, status: number): string[] {
      const { response } = responseOf(operationId, status);
      const schema = response.content['application/json'].schema as {
        properties?: { error?: { properties?: { code?: { enum?: string[] } } } };
      };
      return schema.properties?.error?.properties?.code?.enum ?? [];
    },
  };
};
