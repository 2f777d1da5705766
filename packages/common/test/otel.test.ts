import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TRACE_HEADER } from '../src/testing';
import { parseTraceHeader, selectBackend, tracingBackendName } from '../src/tracing';
import { otelBackend, otelSettings, setOtlpEndpoint, toXRayTraceId } from '../src/tracing/otel';
import { OtlpTraceExporter, xrayOtlpRegion } from '../src/tracing/otlpExporter';
import { xrayBackend } from '../src/tracing/xray';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status: { code: number };
}
interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const listen = async (handler: (request: Received) => { status: number; body: string; type?: string }) => {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks) };
      received.push(entry);
      const answer = handler(entry);
      response
        .writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' })
        .end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const attributes = (span: OtlpSpan) =>
  Object.fromEntries(span.attributes.map(({ key, value }) => [key, Object.values(value)[0]]));

describe('the OpenTelemetry backend: inSpan()', () => {
  let collector: Awaited<ReturnType<typeof listen>>;
  const spans = (): OtlpSpan[] =>
    collector.received.flatMap((request) =>
      (
        JSON.parse(request.body.toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        }
      ).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
    );

  beforeAll(async () => {
    collector = await listen(() => ({ status: 200, body: '{}' }));
    await setOtlpEndpoint(`${collector.url}/v1/traces`, 'http/json');
  });
  afterAll(() => collector.close());
  beforeEach(() => {
    collector.received.length = 0;
  });

  it("continues the producer's Root and Parent and exports the span, annotated, before it resolves", async () => {
    const producer = parseTraceHeader(TRACE_HEADER);

    const { traceId, id } = await otelBackend.inSpan(
      { name: 'order-consumer', parentHeader: TRACE_HEADER, annotations: { messageId: 'm-1', storeId: 7 } },
      async (span) => ({ traceId: span.traceId, id: span.id }),
    );

    expect(traceId).toBe(producer.root);
    const [span] = spans();
    expect(span).toEqual(
      expect.objectContaining({ spanId: id, parentSpanId: producer.parent, name: 'order-consumer' }),
    );
    expect(toXRayTraceId(span?.traceId ?? '')).toBe(producer.root);
    expect(attributes(span as OtlpSpan)).toEqual(
      expect.objectContaining({ messageId: 'm-1', storeId: 7, producerTraceId: producer.root }),
    );
  });

  it('starts a new trace with an X-Ray id (epoch second first) when there is no valid parent header', async () => {
    const before = Math.floor(Date.now() / 1000);

    const { header, traceId, id } = await otelBackend.inSpan(
      { name: 'ingest-api', parentHeader: 'garbage' },
      async (span) => ({ header: span.header(), traceId: span.traceId, id: span.id }),
    );

    expect(parseTraceHeader(header)).toEqual({ root: traceId, parent: id, sampled: '1' });
    const epoch = Number.parseInt(traceId.split('-')[1] ?? '', 16);
    expect(epoch).toBeGreaterThanOrEqual(before);
    expect(epoch).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(spans()[0]?.parentSpanId).toBeUndefined();
  });

  it('marks the span as an error and rethrows when the work throws', async () => {
    await expect(
      otelBackend.inSpan({ name: 'order-consumer' }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(spans()[0]?.status.code).toBe(2);
  });

  it('honours Sampled=0: nothing is exported and the header passes the decision on', async () => {
    const unsampled = TRACE_HEADER.replace('Sampled=1', 'Sampled=0');

    const header = await otelBackend.inSpan(
      { name: 'order-consumer', parentHeader: unsampled },
      async (span) => span.header(),
    );

    expect(parseTraceHeader(header).sampled).toBe('0');
    expect(spans()).toEqual([]);
  });

  it('keeps concurrent spans apart and nests a span started inside another', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map((n) =>
        otelBackend.inSpan({ name: 'order-consumer', annotations: { messageId: `m-${n}` } }, async (span) => {
          await new Promise((resolve) => setTimeout(resolve, 10 * (4 - n)));
          const child = await otelBackend.inSpan({ name: 'store' }, async (inner) => inner.id);
          return { id: span.id, child };
        }),
      ),
    );

    const byId = new Map(spans().map((span) => [span.spanId, span]));
    expect(ids.map(({ id }) => attributes(byId.get(id) as OtlpSpan).messageId)).toEqual([
      'm-1',
      'm-2',
      'm-3',
    ]);
    expect(ids.map(({ child }) => byId.get(child)?.parentSpanId)).toEqual(ids.map(({ id }) => id));
  });

  it('records a call of a captured AWS SDK client as a child span named service.operation', async () => {
    const sqsEndpoint = await listen(() => ({
      status: 200,
      type: 'application/x-amz-json-1.0',
      body: JSON.stringify({ QueueUrl: 'http://127.0.0.1/000000000000/orders' }),
    }));
    const sqs = otelBackend.captureAwsClient(
      new SQSClient({
        endpoint: sqsEndpoint.url,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );

    try {
      const parentId = await otelBackend.inSpan({ name: 'ingest-api' }, async (span) => {
        await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
        return span.id;
      });
      await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));

      const calls = spans().filter((span) => span.name === 'SQS.GetQueueUrl');
      expect(calls).toHaveLength(1);
      expect(calls[0]?.parentSpanId).toBe(parentId);
      expect(attributes(calls[0] as OtlpSpan)).toEqual(
        expect.objectContaining({
          'rpc.system': 'aws-api',
          'rpc.service': 'SQS',
          'rpc.method': 'GetQueueUrl',
        }),
      );
    } finally {
      sqs.destroy();
      await sqsEndpoint.close();
    }
  });

  it('does not fail the work when the collector refuses the spans', async () => {
    const refusing = await listen(() => ({ status: 503, body: '{}' }));
    await setOtlpEndpoint(`${refusing.url}/v1/traces`, 'http/json');
    try {
      await expect(otelBackend.inSpan({ name: 'order-consumer' }, async () => 'done')).resolves.toBe('done');
      expect(refusing.received).toHaveLength(1);
    } finally {
      await setOtlpEndpoint(`${collector.url}/v1/traces`, 'http/json');
      await refusing.close();
    }
  });
});

describe('OtlpTraceExporter', () => {
  it('signs protobuf requests with SigV4 for the xray service when given a region', async () => {
    const receiver = await listen(() => ({ status: 200, body: '' }));
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    delete process.env.AWS_SESSION_TOKEN;
    const exporter = new OtlpTraceExporter({
      url: `${receiver.url}/v1/traces`,
      protocol: 'http/protobuf',
      signingRegion: 'eu-west-1',
    });
    try {
      // An empty request is still a signed POST of a serialized ExportTraceServiceRequest.
      const result = await new Promise<{ code: number }>((resolve) =>
        exporter.export([], (outcome) => resolve(outcome)),
      );

      expect(result.code).toBe(0);
      const [request] = receiver.received;
      expect(request?.headers['content-type']).toBe('application/x-protobuf');
      expect(request?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/xray\/aws4_request, SignedHeaders=[^,]*host/,
      );
      expect(request?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    } finally {
      process.env = saved;
      await receiver.close();
    }
  });

  it("knows X-Ray's OTLP endpoint by its host", () => {
    expect(xrayOtlpRegion('https://xray.eu-west-1.amazonaws.com/v1/traces')).toBe('eu-west-1');
    expect(xrayOtlpRegion('http://127.0.0.1:4318/v1/traces')).toBeUndefined();
  });
});

describe('otelSettings()', () => {
  it("exports to X-Ray's OTLP endpoint in protobuf on Lambda by default", () => {
    expect(
      otelSettings({ AWS_LAMBDA_FUNCTION_NAME: 'f', LAMBDA_TASK_ROOT: '/var/task', AWS_REGION: 'eu-west-1' }),
    ).toEqual({
      url: 'https://xray.eu-west-1.amazonaws.com/v1/traces',
      protocol: 'http/protobuf',
      serviceName: 'f',
    });
  });

  it('follows the standard OTEL_* variables elsewhere', () => {
    expect(
      otelSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        POWERTOOLS_SERVICE_NAME: 'order-consumer',
      }),
    ).toEqual({
      url: 'http://127.0.0.1:4318/v1/traces',
      protocol: 'http/json',
      serviceName: 'order-consumer',
    });
  });

  it('refuses an unknown protocol', () => {
    expect(() => otelSettings({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toThrow(
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    );
  });
});

describe('tracingBackendName() and selectBackend()', () => {
  it('defaults to the X-Ray SDK and picks OpenTelemetry on request', () => {
    expect(tracingBackendName({})).toBe('xray');
    expect(selectBackend(tracingBackendName({ TRACING_BACKEND: 'otel' }))).toBe(otelBackend);
    expect(selectBackend(tracingBackendName({ TRACING_BACKEND: 'xray' }))).toBe(xrayBackend);
  });

  it('refuses an unknown backend, naming the variable', () => {
    expect(() => tracingBackendName({ TRACING_BACKEND: 'zipkin' })).toThrow('TRACING_BACKEND');
  });
});
