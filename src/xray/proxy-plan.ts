/**
 * Proxy settings for calls to AWS, from `-p` and the environment. Kept apart from the undici
 * dispatcher so the relay can decide whether it needs a proxy-capable client without loading one.
 */
import { redactUrlCredentials } from '../log/redact-url.js';

export interface OutboundOptions {
  /** `-p/--proxy-address`: overrides the environment's proxy settings. */
  proxyAddress?: string;
  noVerifySSL: boolean;
  /** Upper bound on sockets per origin (the upload concurrency plus room for telemetry/proxy). */
  connections: number;
}

export class ProxyConfigError extends Error {
  readonly code = 'XRAYD_PROXY_INVALID';
  constructor(source: string, value: string) {
    super(`${source}: expected a proxy URL like http://proxy.example:3128, got "${redactUserinfo(value)}"`);
    this.name = 'ProxyConfigError';
  }
}

/** Proxy URLs may carry a password (`http://user:pass@proxy`): it never reaches a message. */
const redactUserinfo = redactUrlCredentials;

/** `proxy:3128` is common in the wild (curl accepts it): treat a missing scheme as http. */
function normalizeProxy(source: string, value: string | undefined): string {
  if (!value) return '';
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const url = new URL(withScheme);
    if (!['http:', 'https:', 'socks5:', 'socks:'].includes(url.protocol) || !url.hostname) throw new Error('bad proxy');
  } catch {
    throw new ProxyConfigError(source, value);
  }
  return withScheme;
}

/** Which proxy each kind of target uses; '' = direct. Useful for the startup log line. */
export interface ProxyPlan {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/**
 * The proxy settings from `-p` and the environment (`env` is injectable so tests never touch
 * process.env). `-p` wins over HTTPS_PROXY/HTTP_PROXY for both schemes; NO_PROXY (or no_proxy)
 * is honoured either way, so VPC endpoints and local hosts can be exempted.
 */
export function proxyPlan(proxyAddress: string | undefined, env: NodeJS.ProcessEnv): ProxyPlan {
  if (proxyAddress) {
    const p = normalizeProxy('-p/--proxy-address', proxyAddress);
    return { httpProxy: p, httpsProxy: p, noProxy: env.no_proxy ?? env.NO_PROXY ?? '' };
  }
  return {
    httpProxy: normalizeProxy('HTTP_PROXY', env.http_proxy || env.HTTP_PROXY),
    httpsProxy: normalizeProxy('HTTPS_PROXY', env.https_proxy || env.HTTPS_PROXY),
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  };
}

/** A plan for log lines: which proxy, without any password. */
export function describeProxyPlan(plan: ProxyPlan): Record<string, string> {
  return {
    httpsProxy: plan.httpsProxy ? redactUserinfo(plan.httpsProxy) : 'none',
    httpProxy: plan.httpProxy ? redactUserinfo(plan.httpProxy) : 'none',
    noProxy: plan.noProxy || 'none',
  };
}
