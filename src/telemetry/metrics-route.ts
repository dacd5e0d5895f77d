import type { MetricsSource } from './daemon-metrics.js';
import type { Route } from '../http/route.js';
import { sendJson } from '../http/route.js';

/**
 * `GET /metrics` in the Prometheus text format (metric names: docs/metrics.md). Other methods on
 * the path get 405; other paths are left to later routes.
 */
export function createMetricsRoute(registry: MetricsSource): Route {
  return async (req, res, url) => {
    if (url.pathname !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { message: `/metrics accepts GET, got ${req.method}` }, { allow: 'GET, HEAD' });
      return true;
    }
    try {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    } catch (err) {
      sendJson(res, 500, { message: `metrics collection failed: ${(err as Error).message}` });
    }
    return true;
  };
}
