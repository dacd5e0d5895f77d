import http from 'node:http';
import https from 'node:https';
import { RequestTimeoutError, ResponseTooLargeError } from './errors.js';
import type { HttpTransport, XrayResponse } from './http-transport.js';

/** Responses larger than this are refused: X-Ray's answers to us are small. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface NodeHttpTransportOptions {
  /** Sockets per origin (the upload concurrency plus room for telemetry and the proxy). */
  connections: number;
  noVerifySSL: boolean;
  requestTimeoutMs: number;
}

/**
 * X-Ray calls over node:http(s) with keep-alive agents: the transport when no HTTP proxy is
 * configured (with one, undici's proxy agent is loaded instead). Node's own client is already in
 * the binary, so the relay does not load an HTTP library (~8 MB RSS and ~100 ms of startup for
 * undici, measured), and a Buffer body is written to the socket as is.
 */
export class NodeHttpTransport implements HttpTransport {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(private readonly opts: NodeHttpTransportOptions) {
    const common = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: opts.connections, maxFreeSockets: opts.connections, scheduling: 'lifo' as const };
    this.agents = { http: new http.Agent(common), https: new https.Agent({ ...common, rejectUnauthorized: !opts.noVerifySSL }) };
  }

  post(url: URL, headers: Record<string, string>, body: Buffer | string, signal?: AbortSignal): Promise<XrayResponse> {
    return new Promise((resolve, reject) => {
      const tls = url.protocol === 'https:';
      const payload = typeof body === 'string' ? Buffer.from(body) : body;
      const req = (tls ? https : http).request(url, {
        method: 'POST',
        agent: tls ? this.agents.https : this.agents.http,
        headers: { ...headers, 'content-length': String(payload.length) },
      });
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        req.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new RequestTimeoutError(this.opts.requestTimeoutMs)), this.opts.requestTimeoutMs);
      const onAbort = () => fail(signal!.reason);
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      req.once('error', fail);
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) return fail(new ResponseTooLargeError(MAX_RESPONSE_BYTES));
          chunks.push(chunk);
        });
        res.once('error', fail);
        res.once('end', () => {
          if (settled) return;
          settled = true;
          cleanup();
          const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: text });
        });
      });
      req.end(payload);
    });
  }

  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
