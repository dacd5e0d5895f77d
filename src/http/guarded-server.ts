import http from 'node:http';
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import { ConnectionLimits, type TcpLimits } from './connection-limits.js';
import { RequestGuard, type Refusal, type RefusalReason, type RequestGuardOptions } from './request-guard.js';
import { sendJson } from './route.js';
import type { ComponentHealth } from '../health/component-health.js';

/** What goes wrong at the socket level rather than per request (counted beside the refusals). */
export type SocketProblem = 'accept-failed';

export interface GuardedServerOptions {
  guard: RequestGuardOptions;
  limits: TcpLimits;
  logger: Logger;
  /** Called once per refused request, and once per failed accept (EMFILE...): the daemon counts them in /metrics. */
  onRefused?: (reason: RefusalReason | SocketProblem) => void;
  /** Where a failing accept shows in /healthz (degraded) until a connection is accepted again. */
  health?: ComponentHealth;
}

export interface GuardedServer {
  server: http.Server;
  limits: ConnectionLimits;
}

/**
 * An `http.Server` with the request guard and the connection limits in front of `handler`: every
 * HTTP listener of the daemon (the TCP port, any later one such as OTLP/HTTP) is built with it, so
 * Host/Origin checks and limits are decided once, before any route runs. `handler` only sees
 * requests that passed; refused ones get an X-Ray-shaped error (`x-amzn-ErrorType` +
 * `{__type, Message}`), 403 or 503 + Retry-After, and the connection is closed unread.
 * Call `server.listen` as usual; accept errors after listening (EMFILE) are logged per episode and
 * counted, never thrown.
 *
 * Wiring a listener (see daemon.ts for the TCP port):
 *   const { server, limits } = createGuardedServer(
 *     { ...listenerGuardOptions(config, MY_MAX_BODY_BYTES), logger, onRefused: (r) => metrics.refused(r) },
 *     (req, res) => route(req, res));
 *   server.listen(port, host);
 * Each listener counts its own connections and body bytes against the same configured caps.
 */
export function createGuardedServer(options: GuardedServerOptions, handler: http.RequestListener): GuardedServer {
  const { logger } = options;
  const guard = new RequestGuard(options.guard);
  const limits = new ConnectionLimits(options.limits);
  const refusedWarning = new EpisodeWarning(logger, 'requests refused by the request guard (see xrayd_http_requests_refused_total)', 60_000);
  const acceptWarning = new EpisodeWarning(logger, 'cannot accept TCP connections (file descriptors exhausted?); clients are refused until it clears', 10_000);
  const refused = options.onRefused ?? (() => {});

  const server = http.createServer(
    // the headers timeout is enforced by this periodic check (Node's default is every 30 s)
    { connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(options.limits.headersTimeoutMs / 2))) },
    (req, res) => {
      const bound = server.address();
      const refusal = guard.check(req, bound && typeof bound === 'object' ? bound.address : undefined) ?? limits.admit(req, res);
      if (!refusal) return handler(req, res);
      refused(refusal.reason);
      refusedWarning.add(1, { reason: refusal.reason, method: req.method, path: req.url, host: req.headers.host, origin: req.headers.origin });
      sendRefusal(res, refusal);
    },
  );
  limits.attach(server);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    logger.debug({ err: err.message, code: err.code }, 'bad HTTP request');
    if (!socket.writable) return socket.destroy();
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    // before listening, listen errors (EADDRINUSE) belong to whoever called listen()
    if (!server.listening) return;
    refused('accept-failed');
    acceptWarning.add(1, { code: err.code, error: err.message, connections: limits.connections });
    options.health?.fail(`cannot accept TCP connections: ${err.code ?? err.message}`);
  });
  server.on('connection', () => {
    if (options.health?.failing) options.health.recover();
  });
  server.on('close', () => {
    refusedWarning.flush();
    acceptWarning.flush();
  });
  return { server, limits };
}

function sendRefusal(res: http.ServerResponse, refusal: Refusal): void {
  const headers: Record<string, string> = { 'x-amzn-errortype': refusal.type, connection: 'close' };
  if (refusal.status === 503) headers['retry-after'] = '1';
  sendJson(res, refusal.status, { __type: refusal.type, Message: refusal.message }, headers);
}
