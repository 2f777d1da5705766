// Sends finished spans as OTLP/HTTP, SigV4-signed when the endpoint is X-Ray's own OTLP endpoint.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
// Deep imports: the package index also loads the logs and metrics serializers (and their SDKs),
// which a trace exporter never needs. The version is pinned exactly in package.json.
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer/build/src/trace/json';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer/build/src/trace/protobuf';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { SignatureV4 } from '@smithy/signature-v4';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface OtlpExporterOptions {
  url: string;
  protocol: OtlpProtocol;
  /** Signs requests for X-Ray (service `xray`) in this region; unsigned when undefined. */
  signingRegion?: string | undefined;
  timeoutMs?: number;
}

const XRAY_OTLP_HOST = /^xray\.([a-z0-9-]+)\.amazonaws\.com$/;

/** The region of X-Ray's OTLP endpoint `https://xray.<region>.amazonaws.com/v1/traces`, else undefined. */
export const xrayOtlpRegion = (url: string): string | undefined =>
  XRAY_OTLP_HOST.exec(new URL(url).hostname)?.[1];

/** SHA-256 for SigV4 on node:crypto, so no hashing package is bundled for it. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const post = (url: URL, headers: Record<string, string>, body: Uint8Array, timeoutMs: number) =>
  new Promise<number>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`OTLP export to ${url.origin} timed out`)));
    req.on('error', reject);
    req.end(body);
  });

export class OtlpTraceExporter implements SpanExporter {
  private readonly url: URL;
  private readonly signer: SignatureV4 | undefined;
  private pending = new Set<Promise<void>>();

  constructor(private readonly options: OtlpExporterOptions) {
    this.url = new URL(options.url);
    this.signer =
      options.signingRegion === undefined
        ? undefined
        : new SignatureV4({
            service: 'xray',
            region: options.signingRegion,
            credentials: fromEnv(),
            sha256: Sha256,
          });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const sent = this.send(spans).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: unknown) =>
        done({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  private async send(spans: ReadableSpan[]): Promise<void> {
    const json = this.options.protocol === 'http/json';
    const body = (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans);
    if (body === undefined) throw new Error('OTLP serializer produced no request');
    let headers: Record<string, string> = {
      host: this.url.host,
      'content-type': json ? 'application/json' : 'application/x-protobuf',
      'content-length': String(body.byteLength),
    };
    if (this.signer !== undefined) {
      const signed = await this.signer.sign({
        method: 'POST',
        protocol: this.url.protocol,
        hostname: this.url.hostname,
        path: this.url.pathname,
        headers,
        body,
      });
      headers = signed.headers;
    }
    const status = await post(this.url, headers, body, this.options.timeoutMs ?? 5_000);
    if (status < 200 || status >= 300)
      throw new Error(`OTLP export to ${this.url.origin} answered ${status}`);
  }
}
