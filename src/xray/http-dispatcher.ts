import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';

export interface OutboundOptions {
  /** `-p/--proxy-address`: overrides the environment's proxy settings. */
  proxyAddress?: string;
  noVerifySSL: boolean;
  /** Upper bound on sockets per origin (the upload concurrency plus room for telemetry/proxy). */
  connections: number;
}

/**
 * One keep-alive pool for every outbound call (uploads, telemetry, sampling proxy). Proxies:
 * `-p` wins; otherwise HTTPS_PROXY/HTTP_PROXY with NO_PROXY honoured (undici's EnvHttpProxyAgent).
 */
export function createDispatcher(opts: OutboundOptions): Dispatcher {
  const connect = { rejectUnauthorized: !opts.noVerifySSL };
  const common = { connections: opts.connections, keepAliveTimeout: 30_000, connect };
  if (opts.proxyAddress) return new ProxyAgent({ uri: opts.proxyAddress, ...common, requestTls: connect });
  const env = process.env;
  const anyProxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  if (anyProxy) return new EnvHttpProxyAgent({ ...common, requestTls: connect });
  return new Agent(common);
}
