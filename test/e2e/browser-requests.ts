import type { OutgoingHttpHeaders } from 'node:http';
import { call, type CallResult } from '../proxy/http-call.js';

/**
 * Requests exactly as Chromium sends them, for the attack tests: the headers a page cannot
 * choose (Host, Origin, Sec-Fetch-*) and the content types a page may send without a CORS preflight.
 */
export const ATTACKER = 'https://attacker.example';

/** `fetch(url, {method: 'POST', body: '...'})` from a page on another site: a "simple" request, no preflight. */
export function crossSiteTextPost(): OutgoingHttpHeaders {
  return { origin: ATTACKER, 'content-type': 'text/plain;charset=UTF-8', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' };
}

/** An auto-submitted `<form method=post>` on another site (a top-level navigation). */
export function crossSiteFormPost(): OutgoingHttpHeaders {
  return { origin: ATTACKER, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
}

/** `fetch(url, {method: 'POST', body: new FormData()})` from another site. */
export function crossSiteMultipartPost(): OutgoingHttpHeaders {
  return {
    origin: ATTACKER,
    'content-type': 'multipart/form-data; boundary=----WebKitFormBoundaryx1y2z3',
    'sec-fetch-site': 'cross-site',
    'sec-fetch-mode': 'cors',
    'sec-fetch-dest': 'empty',
  };
}

/**
 * After DNS rebinding, the attacker's page at `http://attacker.example:<port>` talks to xrayd as
 * its own origin: the browser sends the attacker's name as Host, and calls are "same-origin".
 */
export function reboundPage(port: number, method: 'GET' | 'POST'): OutgoingHttpHeaders {
  const host = `attacker.example:${port}`;
  const base = { host, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' };
  // Chromium sends Origin on every POST, also same-origin; not on a same-origin GET
  return method === 'POST' ? { ...base, origin: `http://${host}`, 'content-type': 'application/json' } : base;
}

/** The console's own call (console/src/api/xray-client.ts) from a page the daemon served at `http://<host>`. */
export function consoleCall(host: string): OutgoingHttpHeaders {
  return {
    host,
    origin: `http://${host}`,
    'content-type': 'application/json',
    accept: 'application/json',
    'sec-fetch-site': 'same-origin',
    'sec-fetch-mode': 'cors',
    'sec-fetch-dest': 'empty',
  };
}

/** POST a body with the given headers to the daemon on 127.0.0.1:port. */
export function post(port: number, path: string, headers: OutgoingHttpHeaders, body: string): Promise<CallResult> {
  return call(`http://127.0.0.1:${port}`, 'POST', path, { headers, body });
}

export function get(port: number, path: string, headers: OutgoingHttpHeaders = {}): Promise<CallResult> {
  return call(`http://127.0.0.1:${port}`, 'GET', path, { headers });
}

/** The refusal counters of /metrics, by reason. */
export async function refusals(port: number): Promise<Record<string, number>> {
  const res = await get(port, '/metrics');
  const out: Record<string, number> = {};
  for (const m of res.body.matchAll(/^xrayd_http_requests_refused_total\{reason="([^"]+)"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** An X-Ray-shaped 403 (what SDKs and the console parse). */
export function isXrayForbidden(res: CallResult): boolean {
  if (res.status !== 403 || res.headers['x-amzn-errortype'] !== 'AccessDeniedException') return false;
  const body = JSON.parse(res.body) as { __type?: string; Message?: string };
  return body.__type === 'AccessDeniedException' && typeof body.Message === 'string' && body.Message.length > 0;
}
