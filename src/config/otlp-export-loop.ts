/**
 * Refuses an OTLP export endpoint that is one of xrayd's own listeners: exporting to its own OTLP
 * receiver would feed every span back in, forever (and to its TCP port would only ever get 404s).
 * A listener on all interfaces (0.0.0.0, ::) is reached through any local address, so any loopback
 * or wildcard host on the same port counts.
 */
import type { DaemonConfig, HostPort } from './config.js';
import { formatHostPort } from './address.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);

function isLocal(host: string): boolean {
  const h = host.toLowerCase();
  return LOCAL_HOSTS.has(h) || h.startsWith('127.') || h.endsWith('.localhost');
}

/** A problem naming the keys involved, or undefined. `listeners` pairs each config key with its address. */
export function selfExportProblem(endpoint: string | undefined, listeners: { key: string; address: HostPort | undefined }[]): string | undefined {
  if (!endpoint) return undefined;
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  for (const { key, address } of listeners) {
    if (!address || address.port !== port) continue;
    const same = host.toLowerCase() === address.host.toLowerCase() || (isLocal(host) && isLocal(address.host));
    if (same) return `OTLP.Endpoint/--otlp-endpoint: ${endpoint} is xrayd's own ${key} (${formatHostPort(address)}); exported spans would come back in. Point it at the other backend, or move that listener.`;
  }
  return undefined;
}

/** The listeners an export endpoint must not point at. */
export function ownListeners(config: DaemonConfig): { key: string; address: HostPort | undefined }[] {
  return [
    { key: 'Socket.TCPAddress', address: config.tcpAddress },
    { key: 'Socket.OTLPAddress', address: config.otlpAddress },
  ];
}
