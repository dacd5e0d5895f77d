import type { HostPort } from '../config/config.js';
import { formatHostPort } from '../config/address.js';
import type { LedgerSegment } from './trace-ledger.js';

export interface TraceLookupResult {
  /** 0 found, 1 no record, 2 not a trace id, 3 daemon unreachable or unexpected answer. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * `xrayd trace <traceId>`: asks a running daemon (its TCP address) for the ledger record of a trace
 * and prints it as text (or the JSON as served with `json`).
 */
export async function lookupTrace(address: HostPort, traceId: string, json: boolean, timeoutMs = 5000): Promise<TraceLookupResult> {
  const host = address.host === '0.0.0.0' ? '127.0.0.1' : address.host === '::' ? '::1' : address.host;
  const url = `http://${formatHostPort({ host, port: address.port })}/debug/traces/${encodeURIComponent(traceId)}`;
  let status: number;
  let body: { message?: string; traceId?: string; segments?: LedgerSegment[] };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    status = res.status;
    body = (await res.json()) as typeof body;
  } catch (err) {
    return { exitCode: 3, stdout: '', stderr: `xrayd trace: cannot reach the daemon at ${url}: ${(err as Error).message} (is it running? pass -t host:port or -c config)\n` };
  }
  if (json) return { exitCode: status === 200 ? 0 : status === 404 ? 1 : status === 400 ? 2 : 3, stdout: `${JSON.stringify(body, null, 2)}\n`, stderr: '' };
  if (status === 400) return { exitCode: 2, stdout: '', stderr: `xrayd trace: ${body.message}\n` };
  if (status === 404) return { exitCode: 1, stdout: '', stderr: `xrayd trace: ${body.message ?? 'no record'}\n` };
  if (status !== 200 || !body.segments) return { exitCode: 3, stdout: '', stderr: `xrayd trace: unexpected answer ${status} from ${url}\n` };
  return { exitCode: 0, stdout: formatTrace(body.traceId!, body.segments), stderr: '' };
}

export function formatTrace(traceId: string, segments: LedgerSegment[]): string {
  const lines = [`trace ${traceId}: ${segments.length} segment${segments.length === 1 ? '' : 's'}`];
  for (const s of segments) {
    lines.push(`  segment ${s.id}`);
    for (const e of s.events) lines.push(`    ${e.at}  ${e.event.padEnd(11)}  ${e.detail}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
