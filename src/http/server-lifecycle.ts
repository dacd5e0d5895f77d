import type http from 'node:http';
import type { HostPort } from '../config/config.js';

/**
 * Starting and stopping an HTTP listener the same way for every port of the daemon (TCP, OTLP/HTTP).
 */

/** Listens on `address`; rejects with the listen error (EADDRINUSE...). */
export function listenOn(server: http.Server, address: HostPort): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The address the server is bound to (useful with port 0). */
export function boundAddressOf(server: http.Server): HostPort | undefined {
  const a = server.address();
  return a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
}

/** Stops accepting and closes idle connections; in-flight requests get a second, then are cut so shutdown keeps its deadline. */
export function closeGracefully(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  });
}
