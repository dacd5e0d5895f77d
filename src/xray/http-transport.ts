import type { Dispatcher } from 'undici';
import { RequestTimeoutError, ResponseTooLargeError } from './errors.js';

export interface XrayResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** How a signed X-Ray call reaches the wire: our keep-alive sockets (no proxy) or an undici dispatcher (proxies). */
export interface HttpTransport {
  /** Resolves with any status; rejects when no response arrived (network error, timeout, abort). */
  post(url: URL, headers: Record<string, string>, body: Buffer | string, signal?: AbortSignal): Promise<XrayResponse>;
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

  async post(url: URL, headers: Record<string, string>, body: Buffer | string, signal?: AbortSignal): Promise<XrayResponse> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new RequestTimeoutError(this.requestTimeoutMs)), this.requestTimeoutMs);
    const onAbort = () => timeout.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body, signal: timeout.signal });
      const text = await readCapped(res);
      return { statusCode: res.statusCode, headers: res.headers, body: text };
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

async function readCapped(res: Dispatcher.ResponseData): Promise<string> {
  const { body } = res;
  const declared = Number(res.headers['content-length']);
  // the usual answer: a small body of known length, read in one call
  if (Number.isFinite(declared) && declared <= MAX_RESPONSE_BYTES) return body.text();
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
  return Buffer.concat(chunks).toString('utf8');
}
