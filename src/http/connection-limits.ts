import type http from 'node:http';
import type { Socket } from 'node:net';
import type { Refusal } from './request-guard.js';

/** The bounds of one HTTP listener's TCP surface (config keys under `Socket.`, README "Security"). */
export interface TcpLimits {
  /** Open connections; a request on a connection past the cap gets 503 + Retry-After and the connection is closed. */
  maxConnections: number;
  /** Request body bytes being received at once, over all connections; past it 503 + Retry-After. */
  maxInFlightBodyBytes: number;
  /** What a body of unknown length (chunked) counts for; bodies are capped at this size by the routes. */
  maxRequestBodyBytes: number;
  /** A client must send its complete request headers within this (slowloris); else 408 and close. */
  headersTimeoutMs: number;
  /** A keep-alive connection idle this long between requests is closed. */
  idleTimeoutMs: number;
  /** Headers plus body must arrive within this. Raised to headersTimeoutMs if lower. */
  requestTimeoutMs: number;
}

/** How long a connection past the cap may stay open without sending a request. */
const OVER_CAP_GRACE_MS = 1000;

/**
 * Counts connections and in-flight body bytes of one `http.Server` and refuses what goes past the
 * limits. Bodies are accounted by reservation when the request arrives (its Content-Length, or
 * `maxRequestBodyBytes` when chunked) and released when its response ends or the connection
 * closes, so no byte is read that the budget has not admitted.
 */
export class ConnectionLimits {
  private open = 0;
  private bodyBytes = 0;
  private readonly overCap = new WeakSet<Socket>();

  constructor(readonly limits: TcpLimits) {}

  get connections(): number {
    return this.open;
  }

  get inFlightBodyBytes(): number {
    return this.bodyBytes;
  }

  /** Sets the timeouts and starts counting connections. */
  attach(server: http.Server): void {
    const { headersTimeoutMs, idleTimeoutMs, requestTimeoutMs } = this.limits;
    server.headersTimeout = headersTimeoutMs;
    server.requestTimeout = Math.max(requestTimeoutMs, headersTimeoutMs);
    server.keepAliveTimeout = idleTimeoutMs;
    server.on('connection', (socket: Socket) => {
      this.open++;
      socket.once('close', () => this.open--);
      if (this.open <= this.limits.maxConnections) return;
      this.overCap.add(socket);
      // a connection past the cap that sends nothing is shed quickly instead of after headersTimeoutMs
      const shed = setTimeout(() => socket.destroy(), OVER_CAP_GRACE_MS);
      shed.unref();
      socket.once('close', () => clearTimeout(shed));
    });
  }

  /** Admits a request or returns why not; an admitted body's reservation is released with its response. */
  admit(req: http.IncomingMessage, res: http.ServerResponse): Refusal | undefined {
    if (this.overCap.has(req.socket)) {
      return busy('connections', `more than ${this.limits.maxConnections} connections are open; retry shortly`);
    }
    const reserve = this.bodyReservation(req);
    if (reserve === 0) return undefined;
    if (this.bodyBytes + reserve > this.limits.maxInFlightBodyBytes) {
      return busy('body-bytes', `more than ${this.limits.maxInFlightBodyBytes} bytes of request bodies are being received; retry shortly`);
    }
    this.bodyBytes += reserve;
    res.once('close', () => (this.bodyBytes -= reserve));
    return undefined;
  }

  /** Never more than the whole budget, so a request alone is always admitted (the routes still cap its body). */
  private bodyReservation(req: http.IncomingMessage): number {
    const max = Math.min(this.limits.maxRequestBodyBytes, this.limits.maxInFlightBodyBytes);
    if (req.headers['transfer-encoding'] !== undefined) return max;
    const declared = Number(req.headers['content-length'] ?? 0);
    return Number.isFinite(declared) && declared > 0 ? Math.min(declared, max) : 0;
  }
}

function busy(reason: 'connections' | 'body-bytes', message: string): Refusal {
  return { reason, status: 503, type: 'ServiceUnavailableException', message };
}
