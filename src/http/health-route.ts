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

function methodGuard(path: string): Route {
  return (req, res, url) => {
    if (url.pathname !== path) return false;
    if (req.method === 'GET' || req.method === 'HEAD') return false;
    sendJson(res, 405, { __type: 'MethodNotAllowed', Message: `use GET ${path}` }, { allow: 'GET, HEAD' });
    return true;
  };
}

/** `GET /healthz` (liveness): 200 with the JSON status, degraded or not; 503 only when not `ok`. */
export function createHealthRoute(status: () => HealthStatus): Route {
  const guard = methodGuard('/healthz');
  return (req, res, url) => {
    if (url.pathname !== '/healthz') return false;
    if (guard(req, res, url)) return true;
    const s = status();
    sendJson(res, s.ok ? 200 : 503, s);
    return true;
  };
}

/** `GET /readyz` (readiness, load-balancer target): 200 when `status` is ok, 503 while degraded. */
export function createReadyRoute(status: () => HealthStatus): Route {
  const guard = methodGuard('/readyz');
  return (req, res, url) => {
    if (url.pathname !== '/readyz') return false;
    if (guard(req, res, url)) return true;
    const s = status();
    const ready = s.ok && s.status === 'ok';
    sendJson(res, ready ? 200 : 503, { ready, status: s.status, problems: s.problems });
    return true;
  };
}
