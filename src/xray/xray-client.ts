import { request, type Dispatcher } from 'undici';
import type { XraySigner } from './signer.js';
import { RequestTimeoutError, ResponseTooLargeError } from './errors.js';

export interface XrayResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface XrayClientOptions {
  /** e.g. `https://xray.us-east-1.amazonaws.com` (no trailing slash). */
  endpoint: string;
  signer: XraySigner;
  dispatcher: Dispatcher;
  requestTimeoutMs: number;
  userAgent: string;
}

/** Responses larger than this are cut off: X-Ray's answers to us are small. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * A signed POST to one X-Ray operation. Resolves with any HTTP status (the caller decides what a
 * status means); rejects only when no response arrived (network error, our timeout, abort).
 */
export class XrayClient {
  constructor(private readonly opts: XrayClientOptions) {}

  get endpoint(): string {
    return this.opts.endpoint;
  }

  /**
   * `opts.timestampHeader` (default true) adds `X-Amzn-Xray-Timestamp` as the reference daemon does
   * on uploads; the sampling proxy turns it off so it signs only host, content-type and x-amz-*.
   * Rejects with CredentialsUnavailableError (nothing was sent), RequestTimeoutError,
   * ResponseTooLargeError or undici's network errors.
   */
  async post(path: string, body: string, signal?: AbortSignal, opts: { timestampHeader?: boolean } = {}): Promise<XrayResponse> {
    const url = new URL(this.opts.endpoint + path);
    const extra: Record<string, string> =
      opts.timestampHeader === false ? {} : { 'x-amzn-xray-timestamp': (Date.now() / 1000).toFixed(3) };
    const signed = await this.opts.signer.sign(url, body, extra);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new RequestTimeoutError(this.opts.requestTimeoutMs)), this.opts.requestTimeoutMs);
    const onAbort = () => timeout.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.opts.dispatcher,
        headers: { ...signed.headers, 'user-agent': this.opts.userAgent },
        body,
        signal: timeout.signal,
      });
      const text = await readCapped(res.body);
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
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
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
  return Buffer.concat(chunks).toString('utf8');
}

/** X-Ray's error type: header `x-amzn-ErrorType` (may carry `:url` suffix) or body `__type`. */
export function xrayErrorType(res: XrayResponse): { type: string; message: string } {
  let type = String(res.headers['x-amzn-errortype'] ?? '').split(':')[0];
  let message = '';
  try {
    const parsed = JSON.parse(res.body) as { __type?: string; message?: string; Message?: string };
    type ||= String(parsed.__type ?? '').split('#').pop() ?? '';
    message = parsed.Message ?? parsed.message ?? '';
  } catch {
    message = res.body.slice(0, 200);
  }
  return { type: type || 'Unknown', message };
}
