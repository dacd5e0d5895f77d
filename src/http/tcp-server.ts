import http from 'node:http';
import type { HostPort } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { sendJson, type Route } from './route.js';
import { boundAddressOf, closeGracefully, listenOn } from './server-lifecycle.js';
import { createGuardedServer, type GuardedServerOptions } from './guarded-server.js';
import type { ConnectionLimits } from './connection-limits.js';

/**
 * The TCP listener: health, metrics, the sampling proxy or the local X-Ray API, the console. The
 * request guard and the connection limits (guarded-server.ts) decide first; routes are then tried
 * in order, and a request none claims gets a 404 in X-Ray's error shape.
 */
export class TcpServer {
  private readonly server: http.Server;
  readonly limits: ConnectionLimits;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly address: HostPort,
    private readonly routes: Route[],
    private readonly logger: Logger,
    guarded: Omit<GuardedServerOptions, 'logger'>,
  ) {
    ({ server: this.server, limits: this.limits } = createGuardedServer({ ...guarded, logger }, (req, res) => void this.handle(req, res)));
  }

  get boundAddress(): HostPort | undefined {
    return boundAddressOf(this.server);
  }

  async start(): Promise<void> {
    await listenOn(this.server, this.address);
    this.logger.info({ address: this.boundAddress }, 'listening on TCP');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      for (const route of this.routes) {
        if (await route(req, res, url)) return;
      }
      sendJson(res, 404, { __type: 'NotFoundException', Message: `no such path: ${req.method} ${url.pathname}` }, {
        'x-amzn-errortype': 'NotFoundException',
      });
    } catch (err) {
      this.logger.error({ err }, 'HTTP handler failed');
      if (!res.headersSent) sendJson(res, 500, { __type: 'InternalFailure', Message: 'internal error' });
      else res.destroy();
    }
  }

  /** Stops accepting and closes idle connections. Idempotent; safe before start. */
  shutdown(): Promise<void> {
    this.closing ??= closeGracefully(this.server);
    return this.closing;
  }
}
