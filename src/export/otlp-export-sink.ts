/**
 * The OTLP exporter's SegmentSink: turns a batch of buffered documents into one protobuf
 * ExportTraceServiceRequest (otlp-export-batch.ts), gzips it when configured, and POSTs it to the
 * receiver. Answers follow the OTLP/HTTP specification, with the
 * X-Ray upload's habits: 2xx success (a `partial_success` is counted per span), 429 and 5xx
 * retryable (Retry-After honoured), other answers refuse the batch; network errors are retryable.
 */
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { request, type Dispatcher } from 'undici';
import type { SegmentSink, SendOutcome, UnprocessedSegment } from '../pipeline/segment-sink.js';
import { decodeTraceResponse, toBigInt } from '../otlp/proto/otlp-trace-codec.js';
import { buildExportBatch, type BufferedDocument } from './otlp-export-batch.js';
import { classifyFailure, describeError } from '../xray/errors.js';
import { parseRetryAfter } from '../upload/backoff.js';
import type { OtlpCompression } from '../config/config.js';

const gzipAsync = promisify(gzip);
/** Answer bodies are read up to this size (a partial_success message, an error text); the rest is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface OtlpSinkOptions {
  url: URL;
  headers: Record<string, string>;
  compression: OtlpCompression;
  dispatcher: Dispatcher;
  userAgent: string;
}

/** What the sink counts per span (the dispatcher counts documents). */
export interface OtlpSpanCounts {
  /** Spans in requests the receiver accepted, less those it reported as rejected. */
  sent: number;
  /** Spans the receiver listed in `partial_success.rejected_spans`. */
  rejected: number;
}

export class OtlpExportSink implements SegmentSink {
  readonly spans: OtlpSpanCounts = { sent: 0, rejected: 0 };
  /** The last `partial_success.error_message`, for /healthz. */
  lastPartialSuccess: string | undefined;

  constructor(private readonly opts: OtlpSinkOptions) {}

  /** Takes strings or Buffers, so it fits the sink interface whether the buffer holds either. */
  async send(documents: readonly BufferedDocument[], signal?: AbortSignal): Promise<SendOutcome> {
    const batch = buildExportBatch(documents);
    if (batch.spans === 0) return { status: 'success', unprocessed: batch.unprocessed };
    return this.post(batch.body, batch.spans, batch.unprocessed, signal);
  }

  private async post(message: Uint8Array, spans: number, unprocessed: UnprocessedSegment[], signal?: AbortSignal): Promise<SendOutcome> {
    const headers: Record<string, string> = { ...this.opts.headers, 'content-type': 'application/x-protobuf', 'user-agent': this.opts.userAgent };
    let body: Uint8Array = message;
    if (this.opts.compression === 'gzip') {
      body = await gzipAsync(message);
      headers['content-encoding'] = 'gzip';
    }
    let statusCode: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let answer: Buffer;
    try {
      const res = await request(this.opts.url, { method: 'POST', headers, body, signal, dispatcher: this.opts.dispatcher });
      statusCode = res.statusCode;
      responseHeaders = res.headers;
      answer = await readLimited(res.body);
    } catch (err) {
      return { status: 'retryable', errorClass: classifyFailure({ error: err }), message: describeError(err) };
    }
    if (statusCode >= 200 && statusCode < 300) {
      const rejected = this.partialSuccess(answer, responseHeaders['content-type'], spans);
      this.spans.sent += spans - rejected;
      this.spans.rejected += rejected;
      return { status: 'success', unprocessed };
    }
    const text = `HTTP ${statusCode}${describeBody(answer, responseHeaders['content-type'])}`;
    const errorClass = classifyFailure({ statusCode });
    if (statusCode === 429 || statusCode >= 500) {
      return { status: 'retryable', errorClass, message: text, retryAfterMs: parseRetryAfter(responseHeaders['retry-after']) };
    }
    return { status: 'failure', errorClass: statusCode >= 400 ? errorClass : 'other', message: statusCode < 400 ? `${text} (redirects are not followed: configure the final URL)` : text };
  }

  /** Spans the receiver rejected, from a protobuf ExportTraceServiceResponse (0 when absent or unreadable). */
  private partialSuccess(body: Buffer, contentType: string | string[] | undefined, spans: number): number {
    if (body.length === 0 || !String(contentType ?? '').includes('protobuf')) return 0;
    try {
      const p = decodeTraceResponse(body).partialSuccess;
      const rejected = Number(toBigInt(p?.rejectedSpans));
      if (rejected > 0 || p?.errorMessage) this.lastPartialSuccess = p?.errorMessage || `${rejected} spans rejected`;
      return Math.min(Math.max(rejected, 0), spans);
    } catch {
      return 0;
    }
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A short description of an error answer for logs: text bodies quoted (trimmed), others by size. */
function describeBody(body: Buffer, contentType: string | string[] | undefined): string {
  if (body.length === 0) return '';
  const type = String(contentType ?? '');
  if (/json|text/.test(type)) return `: ${body.toString('utf8', 0, 300).replace(/\s+/g, ' ').trim()}`;
  return ` (${type || 'no content-type'}, ${body.length} bytes)`;
}
