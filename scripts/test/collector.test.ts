import { createSocket } from 'node:dgram';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@order-pipeline/common/testing';
import { inSpan, setDaemonAddress } from '@order-pipeline/common/tracing';
import { otelBackend, setOtlpEndpoint } from '@order-pipeline/common/tracing/otel';
import { startCollector } from '../local-stack/collector';
import { buildTrees, renderTree, type SegmentDocument, toNodes } from '../traces/traceTree';

describe('startCollector()', () => {
  it('appends every segment the X-Ray SDK emits to the traces file, and counts junk', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'collector-')), 'traces.jsonl');
    const collector = await startCollector(file, 0, '127.0.0.1', 0);
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
    await waitUntil(
      'two segments and one junk datagram',
      async () => {
        const text = await readFile(file, 'utf8').catch(() => '');
        return (text.split('\n').filter(Boolean).length >= 2 && collector.rejected >= 1) || undefined;
      },
      { timeoutMs: 2_000, intervalMs: 20 },
    );
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
    const first = await startCollector(join(tmpdir(), 'unused.jsonl'), 0, '127.0.0.1', 0);
    try {
      await expect(
        startCollector(join(tmpdir(), 'unused.jsonl'), first.port, '127.0.0.1', 0),
      ).rejects.toThrow('already in use');
    } finally {
      await first.close();
    }
  });

  const readDocuments = async (file: string): Promise<SegmentDocument[]> =>
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SegmentDocument);

  it('stores OpenTelemetry spans sent as OTLP/HTTP JSON as documents the trace viewer draws', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'collector-')), 'traces.jsonl');
    const collector = await startCollector(file, 0, '127.0.0.1', 0);
    await setOtlpEndpoint(collector.otlpUrl, 'http/json');
    const producer = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

    const spanId = await otelBackend.inSpan(
      { name: 'order-consumer', parentHeader: producer, annotations: { orderId: 'o-1', storeId: 7 } },
      async (span) => {
        await otelBackend.inSpan({ name: 'store' }, async () => undefined);
        return span.id;
      },
    );
    await collector.close();

    const documents = await readDocuments(file);
    expect(documents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: spanId,
          trace_id: '1-5759e988-bd862e3fe1be46a994272793',
          parent_id: '53995c3f42cd8ad8',
          name: 'order-consumer',
          annotations: expect.objectContaining({ orderId: 'o-1', storeId: 7 }),
        }),
      ]),
    );
    const tree = renderTree(buildTrees(toNodes(documents)));
    expect(tree).toContain('order-consumer');
    expect(tree).toMatch(/└─ .* › store /);
  });

  it('answers OTLP protobuf 415 and a broken JSON body 400, storing nothing', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'collector-')), 'traces.jsonl');
    const collector = await startCollector(file, 0, '127.0.0.1', 0);
    const send = (type: string, body: string) =>
      fetch(collector.otlpUrl, { method: 'POST', headers: { 'content-type': type }, body }).then(
        (response) => response.status,
      );

    const statuses = [
      await send('application/x-protobuf', 'x'),
      await send('application/json', '{"resource'),
    ];
    await collector.close();

    expect(statuses).toEqual([415, 400]);
    expect(collector.rejected).toBe(2);
    expect(await readDocuments(file)).toEqual([]);
  });
});
