import { createServer, type Server } from 'node:net';
import { assertPortsFree, freePorts } from '../local-stack/ports';

describe('assertPortsFree()', () => {
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });

  afterAll(() => new Promise((resolve) => busy.close(resolve)));

  it('names every busy port, so the stack never half-starts', async () => {
    const ports = { ...(await freePorts()), ingestHttp: busyPort };

    await expect(assertPortsFree(ports)).rejects.toThrow(`ingest-api HTTP (127.0.0.1:${busyPort})`);
  });

  it('passes when every port is free', async () => {
    await expect(assertPortsFree(await freePorts())).resolves.toBeUndefined();
  });
});

describe('freePorts()', () => {
  it('gives a distinct port to every part of the stack', async () => {
    const ports = Object.values(await freePorts());

    expect(new Set(ports).size).toBe(ports.length);
  });
});
