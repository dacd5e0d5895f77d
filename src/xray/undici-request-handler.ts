import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { HttpResponse, type HttpHandler, type HttpRequest } from '@smithy/protocol-http';
import { RequestTimeoutError } from './errors.js';

/** STS answers are small XML documents; anything bigger is refused rather than held. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

function queryString(query: HttpRequest['query']): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(v === null || v === undefined ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(v)}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * An AWS SDK request handler that sends through our undici dispatcher, so the SDK clients xrayd
 * creates for credentials (STS for `-r/--role-arn`) use the same proxy settings (`-p`,
 * HTTPS_PROXY, NO_PROXY) and TLS options as uploads. The SDK's own handler ignores them.
 */
export function createUndiciRequestHandler(dispatcher: Dispatcher, timeoutMs: number): HttpHandler {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(req: HttpRequest, opts?: { abortSignal?: AbortSignal | { aborted: boolean } }) {
      const port = req.port ? `:${req.port}` : '';
      const url = `${req.protocol}//${req.hostname}${port}${req.path}${queryString(req.query)}`;
      const signals = [AbortSignal.timeout(timeoutMs)];
      if (opts?.abortSignal instanceof AbortSignal) signals.push(opts.abortSignal);
      const signal = AbortSignal.any(signals);
      try {
        const res = await request(url, {
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body as string | Buffer | Uint8Array | undefined,
          dispatcher,
          signal,
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > MAX_RESPONSE_BYTES) {
            res.body.destroy();
            throw new Error(`response from ${req.hostname} larger than ${MAX_RESPONSE_BYTES} bytes`);
          }
          chunks.push(chunk as Buffer);
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        return { response: new HttpResponse({ statusCode: res.statusCode, headers, body: Readable.from([Buffer.concat(chunks)]) }) };
      } catch (err) {
        if (signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError') throw new RequestTimeoutError(timeoutMs);
        throw err;
      }
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}
