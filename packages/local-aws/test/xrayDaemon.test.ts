import { createSocket } from 'node:dgram';
import { waitUntil } from '@order-pipeline/common/testing';
import { inSpan, setDaemonAddress } from '@order-pipeline/common/tracing';
import { collectSegments, parseDatagram, startXrayDaemon } from '../src/xrayDaemon';

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

describe('collectSegments()', () => {
  it('keeps every segment the X-Ray SDK emits, finds one by a property, and counts junk', async () => {
    const collector = await collectSegments();
    setDaemonAddress(collector.address);
    const junk = createSocket('udp4');
    try {
      const ids = await Promise.all(
        ['one', 'two'].map((messageId) =>
          inSpan({ name: 'order-consumer', annotations: { messageId } }, async (span) => span.id),
        ),
      );
      await new Promise<void>((resolve) =>
        junk.send('not a segment', collector.port, '127.0.0.1', () => resolve()),
      );

      const two = await collector.segment(
        (segment) => segment.annotations?.messageId === 'two',
        'segment two',
      );

      expect(two.id).toBe(ids[1]);
      await collector.segment((segment) => segment.id === ids[0], 'segment one');
      expect(collector.segments.map((segment) => segment.id).sort()).toEqual([...ids].sort());
      await waitUntil('the junk datagram', () => collector.rejected > 0 || undefined, {
        timeoutMs: 2_000,
        intervalMs: 20,
      });
      expect(collector.rejected).toBe(1);
    } finally {
      junk.close();
      await collector.close();
    }
  });

  it('fails naming what never arrived', async () => {
    const collector = await collectSegments();
    try {
      await expect(collector.segment(() => false, 'a segment of no span', 50)).rejects.toThrow(
        'a segment of no span never reached the X-Ray daemon within 50 ms',
      );
    } finally {
      await collector.close();
    }
  });
});

describe('startXrayDaemon()', () => {
  it('refuses a busy port with a clear error', async () => {
    const first = await startXrayDaemon(() => undefined);
    try {
      await expect(startXrayDaemon(() => undefined, { port: first.port })).rejects.toThrow('already in use');
    } finally {
      await first.close();
    }
  });
});
