import { createSocket } from 'node:dgram';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inSpan, setDaemonAddress } from '@order-pipeline/common/tracing';
import { parseDatagram, startCollector } from '../local-stack/collector';

const HEADER = '{"format":"json","version":1}';

describe('parseDatagram()', () => {
  it('reads the segment document after the header line', () => {
    expect(parseDatagram(`${HEADER}\n{"id":"a","trace_id":"1-x","name":"s"}`)).toEqual({
      id: 'a',
      trace_id: '1-x',
      name: 's',
    });
  });

  it.each([
    ['no header', '{"id":"a","trace_id":"1-x"}'],
    ['a wrong format', '{"format":"xml"}\n{"id":"a","trace_id":"1-x"}'],
    ['broken JSON', `${HEADER}\n{"id":`],
    ['a document without ids', `${HEADER}\n{"name":"s"}`],
  ])('rejects %s', (_label, datagram) => {
    expect(parseDatagram(datagram)).toBeUndefined();
  });
});

describe('startCollector()', () => {
  it('appends every segment the X-Ray SDK emits to the traces file, and counts junk', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'collector-')), 'traces.jsonl');
    const collector = await startCollector(file, 0);
    setDaemonAddress(collector.address);
    const junk = createSocket('udp4');

    const ids = await Promise.all(
      ['one', 'two'].map((messageId) =>
        inSpan({ name: 'order-consumer', annotations: { messageId } }, async (span) => span.id),
      ),
    );
    await new Promise<void>((resolve) =>
      junk.send('not a segment', collector.port, '127.0.0.1', () => resolve()),
    );
    for (let attempt = 0; attempt < 100; attempt++) {
      const text = await readFile(file, 'utf8').catch(() => '');
      if (text.split('\n').filter(Boolean).length >= 2 && collector.rejected >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    junk.close();
    await collector.close();

    const documents = (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; annotations: { messageId: string } });
    expect(documents.map((document) => document.id).sort()).toEqual([...ids].sort());
    expect(collector.rejected).toBe(1);
  });

  it('refuses a busy port with a clear error', async () => {
    const first = await startCollector(join(tmpdir(), 'unused.jsonl'), 0);
    try {
      await expect(startCollector(join(tmpdir(), 'unused.jsonl'), first.port)).rejects.toThrow(
        'already in use',
      );
    } finally {
      await first.close();
    }
  });
});
