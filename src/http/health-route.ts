import type { Route } from './route.js';
import { sendJson } from './route.js';

/**
 * Whatever /healthz reports. `ok` is liveness: false (503) only when the daemon cannot take
 * segments (UDP not bound, shutting down). `status` is `degraded` while a background component
 * reports a problem (`problems`): still 200 on /healthz, so a liveness probe never kills a daemon
 * that is waiting out an outage, but 503 on /readyz.
 */
export interface HealthStatus {
  ok: boolean;
  status: string;
  problems: unknown[];
  [key: string]: unknown;
}

/** A GET/HEAD-only route at `path` (405 otherwise) answering `respond()`'s status and body. */
function getRoute(path: string, respond: () => { status: number; body: unknown }): Route {
  return (req, res, url) => {
    if (url.pathname !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { __type: 'MethodNotAllowed', Message: `use GET ${path}` }, { allow: 'GET, HEAD' });
      return true;
    }
    const { status, body } = respond();
    sendJson(res, status, body);
    return true;
  };
}

/** `GET /healthz` (liveness): 200 with the JSON status, degraded or not; 503 only when not `ok`. */
export function createHealthRoute(status: () => HealthStatus): Route {
  return getRoute('/healthz', () => {
    const s = status();
    return { status: s.ok ? 200 : 503, body: s };
  });
}

/** `GET /readyz` (readiness, load-balancer target): 200 when `status` is ok, 503 while degraded. */
export function createReadyRoute(status: () => HealthStatus): Route {
  return getRoute('/readyz', () => {
    const s = status();
    const ready = s.ok && s.status === 'ok';
    return { status: ready ? 200 : 503, body: { ready, status: s.status, problems: s.problems } };
  });
}
