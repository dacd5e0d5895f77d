import net from 'node:net';

/**
 * Which `Host` names a listener answers besides `localhost`, `*.localhost` and IP literals (always
 * allowed). Entries are exact names (`xray.internal`) or, with a leading dot, a domain and all its
 * subdomains (`.corp.example` matches `corp.example` and `a.corp.example`), as Vite's
 * `server.allowedHosts`. `'*'` allows every name (DNS rebinding protection off).
 */
export type AllowedHosts = readonly string[] | '*';

/**
 * Parses the text of `--allowed-hosts` / `Socket.AllowedHosts` (comma-separated, or `*`).
 * Returns `{error}` instead of throwing so config validation can collect every problem.
 */
export function parseAllowedHosts(text: string): AllowedHosts | { error: string } {
  const entries = text.split(',').map((e) => e.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean);
  if (entries.includes('*')) return entries.length === 1 ? '*' : { error: `"*" allows every name and cannot be combined with others, got "${text}"` };
  for (const e of entries) {
    const name = e.startsWith('.') ? e.slice(1) : e;
    if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(name)) {
      return { error: `expected host names separated by commas (optionally ".domain" for a domain and its subdomains, or "*"), got "${e}"` };
    }
  }
  return entries;
}

/**
 * Splits a `Host` header (or an Origin's host part) into its name without the port: `[::1]:2000`
 * -> `::1`, `Example.COM.:80` -> `example.com`. Returns undefined for text that is not a host.
 */
export function hostNameOf(host: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/@\s]+))(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return undefined;
  if (m[1] !== undefined) return net.isIPv6(m[1]) ? m[1].toLowerCase() : undefined;
  return m[2].toLowerCase().replace(/\.$/, '');
}

/** An IP literal needs no DNS, so it cannot be rebound. */
export function isIpLiteral(name: string): boolean {
  return net.isIP(name) !== 0;
}

/** `localhost` and `*.localhost` always resolve to loopback (RFC 6761; browsers hard-code it). */
export function isLocalhostName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Whether a name is one of the configured extra names. */
export function isAllowedName(name: string, allowed: AllowedHosts): boolean {
  if (allowed === '*') return true;
  return allowed.some((entry) => (entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry));
}

/** Whether a host name passes the DNS-rebinding check: an IP literal, localhost, or an allowed name. */
export function isAcceptedHostName(name: string, allowed: AllowedHosts): boolean {
  return isIpLiteral(name) || isLocalhostName(name) || isAllowedName(name, allowed);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback: a listener only this machine (and its browsers) can reach. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  if (a === '::1' || a === 'localhost') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return net.isIPv4(v4) && v4.startsWith('127.');
}
