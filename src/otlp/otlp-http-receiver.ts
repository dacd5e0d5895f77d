/**
 * The OTLP/HTTP receiver (`Socket.OTLPAddress`, default 127.0.0.1:4318): `POST /v1/traces` with
 * `application/x-protobuf` or `application/json`, optionally `Content-Encoding: gzip`, answered with
 * an ExportTraceServiceResponse in the request's encoding (`partial_success` when spans were
 * rejected). Errors follow the OTLP/HTTP spec: 400 for a malformed body, 413 over
 * `MAX_OTLP_BODY_BYTES` (compressed or not), 415 for other content types, 405/404 otherwise, each
 * with a google.rpc.Status body. The same request guard (Host/Origin, DNS rebinding and CSRF) and
 * connection limits as the TCP port run first (`createGuardedServer`).
 */
import http from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import protobuf from 'protobufjs/light.js';
import type { HostPort } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { readBody } from '../proxy/read-body.js';
import { decodeTraceRequest, encodeTraceResponse, type OtlpTraceRequest } from './proto/otlp-trace-codec.js';
import { decodeTraceRequestJson } from './otlp-json.js';
import type { IntakeResult } from './otlp-intake.js';
import type { OtlpRequestOutcome, OtlpStats } from './otlp-stats.js';
import { boundAddressOf, closeGracefully, listenOn } from '../http/server-lifecycle.js';
import { createGuardedServer, type GuardedServerOptions } from '../http/guarded-server.js';
import type { ConnectionLimits } from '../http/connection-limits.js';

/** Largest request body, before and after gzip (OTel SDKs export at most 512 spans per request by default). */
export const MAX_OTLP_BODY_BYTES = 8 * 1024 * 1024;
const BODY_TIMEOUT_MS = 30_000;
const gunzipAsync = promisify(gunzip);

type Encoding = 'protobuf' | 'json';

export interface OtlpHttpReceiverOptions {
  address: HostPort;
  logger: Logger;
  stats: OtlpStats;
  /** Takes a decoded request's spans (into the buffer); returns what it rejected. */
  accept(request: OtlpTraceRequest): IntakeResult;
  /** Counted as a rejected item, like a malformed datagram. */
  onMalformed(): void;
  /** The guard and limits of every daemon listener (`listenerGuardOptions`), plus refusal counting. */
  guarded: Omit<GuardedServerOptions, 'logger'>;
}

export class OtlpHttpReceiver {
  private readonly server: http.Server;
  readonly limits: ConnectionLimits;
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: OtlpHttpReceiverOptions) {
    ({ server: this.server, limits: this.limits } = createGuardedServer({ ...opts.guarded, logger: opts.logger }, (req, res) => void this.handle(req, res)));
  }

  get boundAddress(): HostPort | undefined {
    return boundAddressOf(this.server);
  }

  get listening(): boolean {
    return this.server.listening;
  }

  async start(): Promise<void> {
    const { address, logger } = this.opts;
    await listenOn(this.server, address);
    logger.info({ address: this.boundAddress }, 'listening for OTLP/HTTP on /v1/traces');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/v1/traces') return this.fail(res, 'json', 404, 'notFound', `no such path: ${path} (OTLP traces go to POST /v1/traces)`);
      if (req.method !== 'POST') return this.fail(res, 'json', 405, 'notFound', 'use POST', { allow: 'POST' });
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const encoding: Encoding | undefined = type === 'application/x-protobuf' ? 'protobuf' : type === 'application/json' ? 'json' : undefined;
      if (!encoding) return this.fail(res, 'json', 415, 'unsupportedMediaType', `content type must be application/x-protobuf or application/json, got "${type}"`);
      const read = await readBody(req, { maxBytes: MAX_OTLP_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS });
      if (!read.ok) {
        // the rest of the body is read and discarded (bounded by requestTimeout), so the client
        // receives the answer instead of a reset while it is still sending
        req.resume();
        return this.fail(res, encoding, read.status, read.status === 413 ? 'tooLarge' : 'malformed', read.message);
      }
      const body = await this.decompress(req, read.body);
      if (!Buffer.isBuffer(body)) return this.fail(res, encoding, body.status, body.status === 413 ? 'tooLarge' : 'malformed', body.message);
      let request: OtlpTraceRequest;
      try {
        request = encoding === 'protobuf' ? decodeTraceRequest(body) : decodeTraceRequestJson(body.toString('utf8'));
      } catch (err) {
        this.opts.onMalformed();
        return this.fail(res, encoding, 400, 'malformed', `not an OTLP ExportTraceServiceRequest (${encoding}): ${(err as Error).message}`);
      }
      const result = this.opts.accept(request);
      this.opts.stats.requests.accepted++;
      this.answer(res, encoding, 200, responseBody(encoding, result));
    } catch (err) {
      this.opts.logger.error({ err }, 'OTLP handler failed');
      if (!res.headersSent) this.answer(res, 'json', 500, statusBody('json', 13, 'internal error'));
      else res.destroy();
    }
  }

  private async decompress(req: http.IncomingMessage, body: Buffer): Promise<Buffer | { status: 400 | 413 | 415; message: string }> {
    const contentEncoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (contentEncoding === 'identity' || contentEncoding === '') return body;
    if (contentEncoding !== 'gzip') return { status: 415, message: `content encoding must be gzip or none, got "${contentEncoding}"` };
    try {
      return await gunzipAsync(body, { maxOutputLength: MAX_OTLP_BODY_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { status: 413, message: `decompressed body exceeds ${MAX_OTLP_BODY_BYTES} bytes` };
      this.opts.onMalformed();
      return { status: 400, message: `gzip body could not be decompressed: ${(err as Error).message}` };
    }
  }

  private fail(res: http.ServerResponse, encoding: Encoding, status: number, outcome: OtlpRequestOutcome, message: string, headers: Record<string, string> = {}): void {
    this.opts.stats.requests[outcome]++;
    this.opts.logger.debug({ status, message }, 'OTLP request refused');
    this.answer(res, encoding, status, statusBody(encoding, status === 400 ? 3 : status === 413 ? 8 : 3, message), headers);
  }

  private answer(res: http.ServerResponse, encoding: Encoding, status: number, body: Uint8Array | string, headers: Record<string, string> = {}): void {
    const type = encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json';
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  /** Stops accepting and closes idle connections. Idempotent; safe before start. */
  shutdown(): Promise<void> {
    this.closing ??= closeGracefully(this.server);
    return this.closing;
  }
}

function responseBody(encoding: Encoding, result: IntakeResult): Uint8Array | string {
  const partial = result.rejectedSpans > 0 ? { rejectedSpans: result.rejectedSpans, errorMessage: result.message } : undefined;
  if (encoding === 'protobuf') return encodeTraceResponse(partial ? { partialSuccess: partial } : {});
  // OTLP/JSON: int64 as a decimal string
  return JSON.stringify(partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {});
}

/** google.rpc.Status {code = 1, message = 2}, the OTLP/HTTP error body. */
function statusBody(encoding: Encoding, code: number, message: string): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return protobuf.Writer.create().uint32(8).int32(code).uint32(18).string(message).finish();
}
