import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { proxyPlan, type OutboundOptions } from './proxy-plan.js';

export { ProxyConfigError, describeProxyPlan, proxyPlan, type OutboundOptions, type ProxyPlan } from './proxy-plan.js';

/**
 * One keep-alive pool for every outbound call (uploads, telemetry, sampling proxy). With a proxy
 * configured, undici's EnvHttpProxyAgent picks per target: https targets use the https proxy,
 * http targets the http one, NO_PROXY hosts go direct. An HTTPS_PROXY-only setting leaves http
 * targets direct; an HTTP_PROXY-only setting is used for https targets too (undici's rule). Every explicit value is passed so undici never falls back to process.env itself.
 * Throws ProxyConfigError for an unusable proxy URL.
 */
export function createDispatcher(opts: OutboundOptions, env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const tls = { rejectUnauthorized: !opts.noVerifySSL };
  const common = { connections: opts.connections, keepAliveTimeout: 30_000, connect: tls };
  const plan = proxyPlan(opts.proxyAddress, env);
  if (!plan.httpProxy && !plan.httpsProxy) return new Agent(common);
  return new EnvHttpProxyAgent({ ...common, ...plan, requestTls: tls });
}
