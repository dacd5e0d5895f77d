import http from 'node:http';
import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import {
  decodeTraceRequest,
  encodeTraceResponse,
  toBigInt,
  type OtlpAnyValue,
  type OtlpKeyValue,
  type OtlpSpan,
  type OtlpTraceRequest,
  type OtlpTraceResponse,
} from '../../src/otlp/proto/otlp-trace-codec.js';

/** What the receiver does with one export request: answer, or reset the connection. */
export type OtlpBehavior =
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: string | Uint8Array; partialSuccess?: OtlpTraceResponse['partialSuccess'] }
  | { kind: 'reset' };

export interface OtlpCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body as sent (compressed if the exporter compressed it). */
  rawBytes: number;
  /** The decoded request when the call was answered 2xx and decoding worked; a decode error otherwise. */
  request: OtlpTraceRequest | undefined;
  decodeError: string | undefined;
  at: number;
}

/**
 * A local OTLP/HTTP trace receiver on port 0: decodes every `POST /v1/traces` body (gunzipping
 * `Content-Encoding: gzip`) with the protobuf codec, keeps the spans of calls it answered 2xx, and
 * follows a script of behaviors (then answers 200 with an empty ExportTraceServiceResponse).
 */
export class OtlpReceiver {
  readonly calls: OtlpCall[] = [];
  script: OtlpBehavior[] = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  async listen(port = 0): Promise<string> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return this.url;
  }
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Spans of accepted requests, in arrival order. */
  get spans(): OtlpSpan[] {
    return this.calls.flatMap((c) => (c.request?.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? [])));
  }
  /** The resource attributes of the accepted span with this name. */
  resourceOf(name: string): Record<string, unknown> | undefined {
    for (const c of this.calls)
      for (const rs of c.request?.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? []) if ((ss.spans ?? []).some((s) => s.name === name)) return attributes(rs.resource?.attributes);
    return undefined;
  }
  span(name: string): OtlpSpan | undefined {
    return this.spans.find((s) => s.name === name);
  }

  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (${this.calls.length} export calls)`)), timeoutMs);
      this.waiters.push({ predicate, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const behavior = this.script.shift() ?? { kind: 'answer', status: 200 };
    const call: OtlpCall = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBytes: raw.length, request: undefined, decodeError: undefined, at: Date.now() };
    if (behavior.kind === 'reset') {
      this.record(call);
      req.socket.destroy();
      return;
    }
    if (behavior.status >= 200 && behavior.status < 300) {
      try {
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        call.request = decodeTraceRequest(body);
      } catch (err) {
        call.decodeError = (err as Error).message;
      }
    }
    this.record(call);
    const body = behavior.body ?? (behavior.status < 300 ? encodeTraceResponse(behavior.partialSuccess ? { partialSuccess: behavior.partialSuccess } : {}) : '');
    res.writeHead(behavior.status, { 'content-type': 'application/x-protobuf', ...behavior.headers });
    res.end(body);
  }

  private record(call: OtlpCall): void {
    this.calls.push(call);
    for (let i = this.waiters.length - 1; i >= 0; i--) if (this.waiters[i].predicate()) this.waiters.splice(i, 1)[0].resolve();
  }
}

/** An OTLP attribute list as a plain object. Decoded messages carry proto3 defaults on their prototype: only own fields were sent. */
export function attributes(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, plainValue(kv.value)]));
}

export function plainValue(v: OtlpAnyValue | undefined): unknown {
  if (!v) return undefined;
  const has = (k: keyof OtlpAnyValue) => Object.hasOwn(v, k);
  if (has('stringValue')) return v.stringValue;
  if (has('boolValue')) return v.boolValue;
  if (has('intValue')) return Number(toBigInt(v.intValue));
  if (has('doubleValue')) return v.doubleValue;
  if (has('arrayValue')) return (v.arrayValue!.values ?? []).map(plainValue);
  return v;
}

export const hexId = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('hex') : '');
