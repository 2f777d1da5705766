// Proves patches/serverless-offline@14.8.2.patch: `sls offline start` of a one-function service in a
// temp folder, asked over HTTP as a browser and a local process would.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(90_000);

const REPO_ROOT = resolve(__dirname, '../..');
const ALLOWED = 'https://allowed.example';
const EVIL = 'https://evil.example';

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
plugins:
  - serverless-offline
custom:
  serverless-offline:
    host: 127.0.0.1
    httpPort: ${httpPort}
    lambdaPort: "off"
    noPrependStageInUrl: true
functions:
  hello:
    handler: handler.hello
    events:
      - http: { method: get, path: open }
      - http: { method: get, path: shared, cors: { origins: ["${ALLOWED}"] } }
`;

describe('serverless-offline 14.8.2, patched', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'offline-patch-'));
    const httpPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    await writeFile(join(dir, 'serverless.yml'), serverlessYml(httpPort));
    await writeFile(
      join(dir, 'handler.js'),
      "exports.hello = async () => ({ statusCode: 200, body: 'hi' });\n",
    );
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
});
