import type { IncomingMessage } from 'node:http';
import { type AllowedHosts, hostNameOf, isAcceptedHostName, isAllowedName, isLoopbackAddress } from './host-names.js';

/** Why a request was refused before any route ran (the `reason` label of xrayd_http_requests_refused_total). */
export type RefusalReason = 'host' | 'origin' | 'sec-fetch-site' | 'content-type' | 'connections' | 'body-bytes';

export interface Refusal {
  reason: RefusalReason;
  status: 403 | 503;
  /** X-Ray error type (`x-amzn-ErrorType` and `__type`). */
  type: string;
  message: string;
}

export interface RequestGuardOptions {
  /** Extra names accepted in `Host` (and, when listed by name, in `Origin`); see host-names.ts. */
  allowedHosts: AllowedHosts;
  /**
   * `always`: check `Host` on every request (a listener serving stored data: the local backend).
   * `when-loopback`: only when the listener is bound to a loopback address; a relay bound beyond
   * loopback (a sidecar reached as `xray-service.default:2000`) answers any name, as the Go daemon does.
   */
  hostCheck: 'always' | 'when-loopback';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const FLAG_HINT = 'allow a name with --allowed-hosts or Socket.AllowedHosts';

/**
 * Decides, before any route runs, whether a request may be served: the defence against DNS
 * rebinding (the `Host` check) and cross-site requests from web pages (the `Origin`,
 * `Sec-Fetch-Site` and `Content-Type` checks). Stateless and the same for every HTTP listener;
 * `check` returns the refusal, or undefined to serve.
 *
 * Rules (README "Security"):
 * - Host: IP literals, `localhost`, `*.localhost` and allowed names pass. Applied per `hostCheck`.
 * - Origin, when present: must be the listener's own origin (its host:port equals the `Host`
 *   header) or name a host listed in allowedHosts (`*` does not count here). `Origin: null` fails.
 * - Sec-Fetch-Site `cross-site`/`same-site` fails unless the Origin passed; a top-level GET/HEAD
 *   navigation (a link to the console) is exempt: it changes nothing and the page cannot read it.
 * - A browser's (Origin or Sec-Fetch-Site present) POST/PUT/DELETE/PATCH must be
 *   `Content-Type: application/json`, which a page can only send cross-site after a CORS
 *   preflight that xrayd never grants.
 * Requests with neither Origin nor Sec-Fetch-Site (SDKs, the AWS CLI, curl) pass these checks.
 */
export class RequestGuard {
  constructor(private readonly options: RequestGuardOptions) {}

  /** `boundAddress`: the IP the listener is bound to (`server.address().address`). */
  check(req: IncomingMessage, boundAddress: string | undefined): Refusal | undefined {
    const host = req.headers.host;
    if (this.options.hostCheck === 'always' || (boundAddress !== undefined && isLoopbackAddress(boundAddress))) {
      const name = host === undefined ? undefined : hostNameOf(host);
      // no Host at all is HTTP/1.0 from a tool, never a browser
      if (host !== undefined && (name === undefined || !isAcceptedHostName(name, this.options.allowedHosts))) {
        return forbidden('host', `Host ${JSON.stringify(host)} is not allowed: xrayd answers localhost, *.localhost and IP addresses (protection against DNS rebinding); ${FLAG_HINT}`);
      }
    }
    const origin = req.headers.origin;
    const originOk = origin !== undefined && this.originAccepted(origin, host);
    if (origin !== undefined && !originOk) {
      return forbidden('origin', `cross-origin request from ${JSON.stringify(origin)} refused: only the daemon's own origin or an allowed host may call it from a browser`);
    }
    const site = header(req, 'sec-fetch-site');
    if ((site === 'cross-site' || site === 'same-site') && !originOk && !isNavigation(req)) {
      return forbidden('sec-fetch-site', `request marked Sec-Fetch-Site: ${site} refused: xrayd serves only its own pages in a browser`);
    }
    const fromBrowser = origin !== undefined || site !== undefined;
    if (fromBrowser && STATE_CHANGING.has(req.method ?? '') && !isJson(req.headers['content-type'])) {
      return forbidden('content-type', `a browser's ${req.method} must be Content-Type: application/json, got ${JSON.stringify(req.headers['content-type'] ?? '')}`);
    }
    return undefined;
  }

  private originAccepted(origin: string, host: string | undefined): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // includes "null"
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (host !== undefined && url.host === normalizeHost(host, url.protocol)) return true;
    const allowed = this.options.allowedHosts;
    return allowed !== '*' && isAllowedName(url.hostname.replace(/\.$/, ''), allowed);
  }
}

function forbidden(reason: RefusalReason, message: string): Refusal {
  return { reason, status: 403, type: 'AccessDeniedException', message };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v.trim().toLowerCase() : undefined;
}

function isNavigation(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && header(req, 'sec-fetch-mode') === 'navigate' && header(req, 'sec-fetch-dest') === 'document';
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** `Host` as a URL's `host` would print it: lower case, default port dropped. */
function normalizeHost(host: string, protocol: string): string {
  const lower = host.trim().toLowerCase();
  const defaultPort = protocol === 'https:' ? ':443' : ':80';
  return lower.endsWith(defaultPort) ? lower.slice(0, -defaultPort.length) : lower;
}
