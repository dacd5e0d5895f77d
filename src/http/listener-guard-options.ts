import type { DaemonConfig } from '../config/config.js';
import type { GuardedServerOptions } from './guarded-server.js';

/**
 * The guard and limits every HTTP listener of the daemon uses, from the config: the TCP port today,
 * the OTLP/HTTP port the same way. `maxRequestBodyBytes` is the listener's own body cap (what a
 * chunked body counts for against `Socket.MaxInFlightBodyBytes`).
 */
export function listenerGuardOptions(config: DaemonConfig, maxRequestBodyBytes: number): Pick<GuardedServerOptions, 'guard' | 'limits'> {
  return {
    guard: {
      allowedHosts: config.allowedHosts,
      // the local backend serves stored traces on every route; the relay only sampling calls, and a
      // relay bound beyond loopback is reached by service names (sidecars, DaemonSets)
      hostCheck: config.backend === 'local' ? 'always' : 'when-loopback',
    },
    limits: {
      maxConnections: config.tcpMaxConnections,
      maxInFlightBodyBytes: config.tcpMaxInFlightBodyBytes,
      maxRequestBodyBytes,
      headersTimeoutMs: config.tcpHeadersTimeoutMs,
      requestTimeoutMs: config.tcpRequestTimeoutMs,
      idleTimeoutMs: config.tcpIdleTimeoutMs,
    },
  };
}
