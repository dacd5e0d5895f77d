import { request, type Dispatcher } from 'undici';
import { RequestTimeoutError, ResponseTooLargeError } from './errors.js';

export interface XrayResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body's bytes, for binary (protobuf) answers only: X-Ray's OTLP endpoint. */
  raw?: Uint8Array;
}

/** Responses larger than this are cut off: X-Ray's answers to us are small. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends one already-signed POST over an undici dispatcher, under one overall timeout. Resolves
 * with any status; rejects when no response arrived.
 */
export class UndiciTransport {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly requestTimeoutMs: number,
  ) {}

  async post(url: URL, headers: Record<string, string>, body: string | Uint8Array, signal?: AbortSignal): Promise<XrayResponse> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new RequestTimeoutError(this.requestTimeoutMs)), this.requestTimeoutMs);
    const onAbort = () => timeout.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await request(url, { method: 'POST', dispatcher: this.dispatcher, headers, body, signal: timeout.signal });
      const bytes = await readCapped(res.body);
      const binary = String(res.headers['content-type'] ?? '').includes('protobuf');
      return { statusCode: res.statusCode, headers: res.headers, body: bytes.toString('utf8'), ...(binary ? { raw: bytes } : {}) };
    } catch (err) {
      // undici rejects with the abort reason or wraps it: surface our typed timeout either way
      if (timeout.signal.aborted && timeout.signal.reason instanceof RequestTimeoutError) throw timeout.signal.reason;
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw new ResponseTooLargeError(MAX_RESPONSE_BYTES);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
