// Proves patches/serverless-offline@14.8.2.patch: `sls offline start` of a small service in a temp
// folder, asked over HTTP as a browser and a local process would. SERVERLESS_OFFLINE_DIR runs it against
// another copy of the package (an unpatched one, to see these tests fail: patches/README.md).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(90_000);

const REPO_ROOT = resolve(__dirname, '../..');
const ALLOWED = 'https://allowed.example';
const EVIL = 'https://evil.example';
const PRIVATE_KEY = 'probe-key-0123456789abcdef';
const OFFLINE_DIR =
  process.env.SERVERLESS_OFFLINE_DIR ?? join(REPO_ROOT, 'node_modules', 'serverless-offline');

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

const serverlessYml = (httpPort: number) => `service: patch-probe
frameworkVersion: ">=3"
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  apiGateway:
    apiKeys:
      - { name: probe, value: ${PRIVATE_KEY} }
plugins:
  - serverless-offline
custom:
  serverless-offline:
    host: 127.0.0.1
    httpPort: ${httpPort}
    lambdaPort: "off"
    noPrependStageInUrl: true
    maxWorkersPerFunction: 2
functions:
  hello:
    handler: handler.hello
    events:
      - http: { method: get, path: open }
      - http: { method: get, path: shared, cors: { origins: ["${ALLOWED}"] } }
      - http: { method: get, path: keyed, private: true }
  busy:
    handler: handler.busy
    events:
      - http: { method: get, path: busy }
  authorize:
    handler: handler.authorize
  echo:
    handler: handler.echo
    events:
      - http:
          method: post
          path: guarded
          authorizer: { name: authorize, type: request, resultTtlInSeconds: 0 }
resources:
  Resources:
    # The project's shape (services/ingest-api/serverless.yml) for every 4XX without a response of its own.
    GatewayResponseDefault4XX:
      Type: AWS::ApiGateway::GatewayResponse
      Properties:
        RestApiId: { Ref: ApiGatewayRestApi }
        ResponseType: DEFAULT_4XX
        ResponseTemplates:
          application/json: '{"error":{"code":"$context.error.responseType","message":$context.error.messageString}}'
    # A type of its own wins over DEFAULT_4XX: its status code, header mappings and template.
    GatewayResponseUnauthorized:
      Type: AWS::ApiGateway::GatewayResponse
      Properties:
        RestApiId: { Ref: ApiGatewayRestApi }
        ResponseType: UNAUTHORIZED
        StatusCode: "401"
        ResponseParameters:
          gatewayresponse.header.WWW-Authenticate: "'ApiKey'"
          gatewayresponse.header.x-probe: method.request.header.x-probe
        ResponseTemplates:
          application/json: '{"unauthorized":$context.error.messageString,"resource":"$context.resourcePath","stage":"$context.stage"}'
`;

// The authorizer answers as the request's x-test header says; echo tells what the function was given.
const handlerJs = `exports.hello = async () => ({ statusCode: 200, body: 'hi' });
exports.authorize = async (event) => {
  const mode = event.headers['x-test'];
  if (mode === 'unauthorized') throw new Error('Unauthorized');
  if (mode === 'fail') throw new Error('the registry could not be read');
  const statement = { Action: 'execute-api:Invoke', Effect: mode === 'deny' ? 'Deny' : 'Allow', Resource: event.methodArn };
  if (mode === 'elsewhere') statement.Resource = 'arn:aws:execute-api:eu-west-1:*:*/*/GET/elsewhere';
  return { principalId: 'probe', policyDocument: { Version: '2012-10-17', Statement: [statement] } };
};
// Busy long enough that concurrent requests overlap; answers with the worker thread it ran in.
exports.busy = async () => {
  await new Promise((done) => setTimeout(done, 1000));
  return { statusCode: 200, body: String(require('node:worker_threads').threadId) };
};
exports.echo = async (event) => {
  const name = Object.keys(event.headers).find((header) => header.toLowerCase() === 'content-type');
  return { statusCode: 200, body: JSON.stringify({ contentType: name === undefined ? null : event.headers[name] }) };
};
`;

const missingAuthenticationToken = {
  error: { code: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' },
};

describe('serverless-offline 14.8.2, patched', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'offline-patch-'));
    const httpPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    await mkdir(join(dir, 'node_modules'));
    await symlink(OFFLINE_DIR, join(dir, 'node_modules', 'serverless-offline'));
    await writeFile(join(dir, 'serverless.yml'), serverlessYml(httpPort));
    await writeFile(join(dir, 'handler.js'), handlerJs);
    child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'sls'), ['offline', 'start', '--stage', 'local'], {
      cwd: dir,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((ready, fail) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Server ready')) ready();
      };
      child?.stdout?.on('data', onData);
      child?.stderr?.on('data', onData);
      child?.once('exit', (code) => fail(new Error(`sls offline exited (${code}):\n${output}`)));
    });
  });

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child?.once('exit', done));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('opens no Lambda invoke API with lambdaPort off, and still serves the http events', async () => {
    expect(output).not.toContain('for lambda');
    expect((await fetch(`${base}/open`)).status).toBe(200);
  });

  it('answers no CORS headers to an origin on a route without cors', async () => {
    const preflight = await fetch(`${base}/open`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });
    const get = await fetch(`${base}/open`, { headers: { origin: EVIL } });

    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers CORS on a route with cors for its listed origins only', async () => {
    const allowed = await fetch(`${base}/shared`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'GET' },
    });
    const refused = await fetch(`${base}/shared`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });

    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  describe('as API Gateway answers a REST API request it refuses (gateway responses)', () => {
    const expectGatewayResponse = async (
      response: Response,
      status: number,
      errorType: string,
      body: unknown,
    ): Promise<void> => {
      expect(response.status).toBe(status);
      expect(response.headers.get('x-amzn-errortype')).toBe(errorType);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual(body);
    };

    /** POSTs `{}` to the route behind the test authorizer, which answers as its `x-test` header says. */
    const postGuarded = (authorizerAnswer: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/guarded`, {
        method: 'POST',
        headers: { 'x-test': authorizerAnswer, ...headers },
        body: '{}',
      });

    it('answers an unknown path with 403 Missing Authentication Token, in the DEFAULT_4XX shape', async () => {
      await expectGatewayResponse(
        await fetch(`${base}/nowhere`),
        403,
        'MissingAuthenticationTokenException',
        missingAuthenticationToken,
      );
    });

    it('answers a method the path does not define with 403 Missing Authentication Token', async () => {
      await expectGatewayResponse(
        await fetch(`${base}/open`, { method: 'DELETE' }),
        403,
        'MissingAuthenticationTokenException',
        missingAuthenticationToken,
      );
    });

    it('answers HEAD on a GET route, and OPTIONS on a route without cors, as undefined methods', async () => {
      const head = await fetch(`${base}/open`, { method: 'HEAD' });
      const options = await fetch(`${base}/open`, {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'GET' },
      });

      expect(head.status).toBe(403);
      expect(head.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
      await expectGatewayResponse(
        options,
        403,
        'MissingAuthenticationTokenException',
        missingAuthenticationToken,
      );
    });

    it("answers an authorizer's Deny with 403 ACCESS_DENIED, worded as an explicit deny", async () => {
      await expectGatewayResponse(await postGuarded('deny'), 403, 'AccessDeniedException', {
        error: {
          code: 'ACCESS_DENIED',
          message: 'User is not authorized to access this resource with an explicit deny',
        },
      });
    });

    it('answers a policy that does not allow the method with 403 ACCESS_DENIED (implicit deny)', async () => {
      await expectGatewayResponse(await postGuarded('elsewhere'), 403, 'AccessDeniedException', {
        error: { code: 'ACCESS_DENIED', message: 'User is not authorized to access this resource' },
      });
    });

    it("answers an authorizer's Unauthorized with the UNAUTHORIZED response of its own, headers mapped", async () => {
      const response = await postGuarded('unauthorized', { 'x-probe': 'echoed' });

      expect(response.headers.get('www-authenticate')).toBe('ApiKey');
      expect(response.headers.get('x-probe')).toBe('echoed');
      await expectGatewayResponse(response, 401, 'UnauthorizedException', {
        unauthorized: 'Unauthorized',
        resource: '/guarded',
        stage: 'local',
      });
    });

    it('answers an authorizer that fails otherwise with 500, in the default shape when the service has no DEFAULT_5XX', async () => {
      await expectGatewayResponse(await postGuarded('fail'), 500, 'AuthorizerConfigurationException', {
        message: null,
      });
    });

    it('answers a wrong x-api-key on a private route with 403 INVALID_API_KEY, and lets the right one through', async () => {
      await expectGatewayResponse(
        await fetch(`${base}/keyed`, { headers: { 'x-api-key': 'not-the-key-0123456789' } }),
        403,
        'ForbiddenException',
        { error: { code: 'INVALID_API_KEY', message: 'Forbidden' } },
      );
      expect((await fetch(`${base}/keyed`, { headers: { 'x-api-key': PRIVATE_KEY } })).status).toBe(200);
    });
  });

  describe('as API Gateway passes a request to a proxy integration', () => {
    const echoedContentType = async (headers: Record<string, string>): Promise<unknown> => {
      const response = await fetch(`${base}/guarded`, {
        method: 'POST',
        headers: { 'x-test': 'allow', ...headers },
        body: new TextEncoder().encode('{"a":1}'),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { contentType: unknown }).contentType;
    };

    it('passes a request without Content-Type on without one', async () => {
      expect(await echoedContentType({})).toBeNull();
    });

    it("passes the client's Content-Type on as given", async () => {
      expect(await echoedContentType({ 'content-type': 'text/plain' })).toBe('text/plain');
    });

    it("answers a Range request with the function's whole body, without Accept-Ranges", async () => {
      const response = await fetch(`${base}/open`, { headers: { range: 'bytes=0-0' } });

      expect(response.status).toBe(200);
      expect(await response.text()).toBe('hi');
      expect(response.headers.get('accept-ranges')).toBeNull();
    });
  });

  describe('with maxWorkersPerFunction', () => {
    it('runs concurrent invocations of a function in at most that many workers, the others waiting for one', async () => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(`${base}/busy`)));
      expect(answers.map(({ status }) => status)).toEqual(Array(6).fill(200));
      const workers = new Set(await Promise.all(answers.map((answer) => answer.text())));
      expect(workers.size).toBeLessThanOrEqual(2);
    });
  });
});
