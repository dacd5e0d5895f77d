import type { Server } from 'node:http';

/**
 * Limits for the daemon's TCP server (sampling proxy, local API, console, /healthz, /metrics).
 * Node's defaults (60 s for headers, 300 s per request) let a slow client hold a socket for
 * minutes; SDK sampling calls finish in milliseconds. Body reads have their own deadline in the
 * routes that read bodies (see `SAMPLING_PROXY_DEFAULTS.bodyTimeoutMs`).
 */
export const SERVER_TIMEOUTS = {
  /** All request headers must arrive within this (Node's `server.headersTimeout`). */
  headersTimeoutMs: 10_000,
  /** The whole request, headers and body (Node's `server.requestTimeout`). */
  requestTimeoutMs: 30_000,
  /** Idle keep-alive sockets are closed after this (SDKs reconnect cheaply). */
  keepAliveTimeoutMs: 5_000,
  /** Cap on request header size in bytes (Node's default is 16 KiB; this only documents it). */
  maxHeaderBytes: 16 * 1024,
} as const;

/** Applies SERVER_TIMEOUTS to a server (call once, before listen). */
export function applyServerTimeouts(server: Server): void {
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeoutMs;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeoutMs;
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveTimeoutMs;
}
