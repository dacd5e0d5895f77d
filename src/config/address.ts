import type { HostPort } from './config.js';

/**
 * Parses `host:port`, `[v6]:port`, or `:port` (all interfaces, as Go's net package reads it).
 * Returns an error message instead of throwing so validation can collect every problem.
 */
export function parseHostPort(text: string): HostPort | string {
  const trimmed = text.trim();
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(trimmed);
  if (!m) return `expected host:port or [ipv6]:port, got "${text}"`;
  const port = Number(m[3]);
  if (port > 65535) return `port ${port} is out of range (0-65535)`;
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]);
  return { host, port };
}

/** Formats an address the way users type it (IPv6 in brackets). */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
