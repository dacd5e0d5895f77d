import type { Route } from './route.js';
import { sendJson } from './route.js';

/** Whatever /healthz reports; `ok` false answers 503 so orchestrators restart or stop routing. */
export interface HealthStatus {
  ok: boolean;
  [key: string]: unknown;
}

/** `GET /healthz`: 200 with a small JSON status while the daemon is healthy, else 503. */
export function createHealthRoute(status: () => HealthStatus): Route {
  return (req, res, url) => {
    if (url.pathname !== '/healthz') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { __type: 'MethodNotAllowed', Message: 'use GET /healthz' }, { allow: 'GET, HEAD' });
      return true;
    }
    const s = status();
    sendJson(res, s.ok ? 200 : 503, s);
    return true;
  };
}
