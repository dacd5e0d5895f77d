import type { Dispatcher } from 'undici';
import { RequestTimeoutError, ResponseTooLargeError } from './errors.js';

export interface XrayResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body's bytes, for binary (protobuf) answers only: X-Ray's OTLP endpoint. */
  raw?: Uint8Array;
}

/** How a signed X-Ray call reaches the wire: our keep-alive sockets (no proxy) or an undici dispatcher (proxies). */
export interface HttpTransport {
  /** Resolves with any status; rejects when no response arrived (network error, timeout, abort). */
  post(url: URL, headers: Record<string, string>, body: Uint8Array | string, signal?: AbortSignal): Promise<XrayResponse>;
  close(): Promise<void>;
}

/** Responses larger than this are cut off: X-Ray's answers to us are small. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends one already-signed POST over an undici dispatcher (its keep-alive pool) under one overall
 * timeout. The body goes to the socket as given (a Buffer is written as is, never copied).
 * Resolves with any status; rejects when no response arrived.
 */
export class UndiciTransport implements HttpTransport {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly requestTimeoutMs: number,
  ) {}

  async post(url: URL, headers: Record<string, string>, body: Uint8Array | string, signal?: AbortSignal): Promise<XrayResponse> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new RequestTimeoutError(this.requestTimeoutMs)), this.requestTimeoutMs);
    const onAbort = () => timeout.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body, signal: timeout.signal });
      const bytes = await readCapped(res);
      return responseOf(res.statusCode, res.headers, bytes);
    } catch (err) {
      // undici rejects with the abort reason or wraps it: surface our typed timeout either way
      if (timeout.signal.aborted && timeout.signal.reason instanceof RequestTimeoutError) throw timeout.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/** An answer as callers see it: the text, and the bytes too when it is binary (protobuf, X-Ray's OTLP endpoint). */
export function responseOf(statusCode: number, headers: XrayResponse['headers'], bytes: Buffer): XrayResponse {
  const binary = String(headers['content-type'] ?? '').includes('protobuf');
  return { statusCode, headers, body: bytes.toString('utf8'), ...(binary ? { raw: bytes } : {}) };
}

async function readCapped(res: Dispatcher.ResponseData): Promise<Buffer> {
  const { body } = res;
  const declared = Number(res.headers['content-length']);
  // the usual answer: a small body of known length, read in one call
  if (Number.isFinite(declared) && declared <= MAX_RESPONSE_BYTES) return Buffer.from(await body.arrayBuffer());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw new ResponseTooLargeError(MAX_RESPONSE_BYTES);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
