import { request, createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Route } from '../../src/http/route.js';
import { sendJson } from '../../src/http/route.js';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One raw HTTP call (the path is sent exactly as given). `body` may be a Buffer or a function that
 * writes it (for slow or chunked bodies). Resolves with the answer even when the server answers
 * before the body is fully written and closes the connection.
 */
export function call(
  base: string,
  method: string,
  path: string,
  opts: { headers?: OutgoingHttpHeaders; body?: Buffer | string; stream?: (write: (b: Buffer) => void) => void; deadlineMs?: number } = {},
): Promise<CallResult> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${opts.deadlineMs ?? 5000} ms`));
    }, opts.deadlineMs ?? 5000);
    req.on('close', () => clearTimeout(deadline));
    // a server that answers early (413) and closes may make our writes fail: the answer still counts
    req.on('error', (err) => setTimeout(() => reject(err), 200));
    if (opts.stream) opts.stream((b) => req.write(b));
    else req.end(opts.body);
  });
}

/** An HTTP server running the routes in order, with a plain 404 when none claims the request. */
export async function serveRoutes(routes: Route[]): Promise<{ base: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      for (const route of routes) if (await route(req, res, url)) return;
      sendJson(res, 404, { message: 'not found (test server)' });
    })();
  });
  // the daemon's TcpServer settings
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
