import type { Dispatcher } from 'undici';
import type { XraySigner } from './signer.js';
import { UndiciTransport, type HttpTransport, type XrayResponse } from './http-transport.js';

export type { XrayResponse };

export interface XrayClientOptions {
  /** e.g. `https://xray.us-east-1.amazonaws.com` (no trailing slash). */
  endpoint: string;
  signer: XraySigner;
  /** How requests are sent: a transport, or an undici dispatcher to send through. */
  transport?: HttpTransport;
  dispatcher?: Dispatcher;
  requestTimeoutMs: number;
  userAgent: string;
}

/**
 * A signed POST to one X-Ray operation. Resolves with any HTTP status (the caller decides what a
 * status means); rejects only when no response arrived (network error, our timeout, abort).
 */
export class XrayClient {
  private readonly transport: HttpTransport;
  /** One URL per operation (a handful), parsed once. */
  private readonly urls = new Map<string, URL>();

  constructor(private readonly opts: XrayClientOptions) {
    const transport = opts.transport ?? (opts.dispatcher ? new UndiciTransport(opts.dispatcher, opts.requestTimeoutMs) : undefined);
    if (!transport) throw new Error('XrayClient needs a transport or a dispatcher');
    this.transport = transport;
  }

  /** Closes the transport's connections. */
  close(): Promise<void> {
    return this.transport.close();
  }

  get endpoint(): string {
    return this.opts.endpoint;
  }

  /**
   * `opts.timestampHeader` (default true) adds `X-Amzn-Xray-Timestamp` as the reference daemon does
   * on uploads; the sampling proxy turns it off so it signs only host, content-type and x-amz-*.
   * Rejects with CredentialsUnavailableError (nothing was sent), RequestTimeoutError,
   * ResponseTooLargeError or undici's network errors.
   */
  async post(path: string, body: Uint8Array | string, signal?: AbortSignal, opts: { timestampHeader?: boolean; contentType?: string } = {}): Promise<XrayResponse> {
    const url = this.urls.get(path) ?? this.urls.set(path, new URL(this.opts.endpoint + path)).get(path)!;
    const extra: Record<string, string> =
      opts.timestampHeader === false ? {} : { 'x-amzn-xray-timestamp': (Date.now() / 1000).toFixed(3) };
    const signed = await this.opts.signer.sign(url, body, extra, opts.contentType);
    return this.transport.post(url, { ...signed.headers, 'user-agent': this.opts.userAgent }, body, signal);
  }
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
