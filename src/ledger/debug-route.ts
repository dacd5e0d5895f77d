import type { Route } from '../http/route.js';
import { sendJson } from '../http/route.js';
import { parseTraceId } from './id-scan.js';
import type { TraceRecorder } from './ledger-recorder.js';

/** What the Intake view shows besides the recorder's lists. */
export interface IntakeExtras {
  spool(): object | null;
  counters(): Record<string, unknown>;
}

/**
 * `GET /debug/traces/<traceId>`: what the daemon did with each segment of the trace (200), 404 when
 * it has no record, 400 for an id that is not a trace id. `GET /debug/intake`: recent rejections and
 * drops with samples, X-Ray's recent error codes, the spool's state. Served by the daemon itself on
 * both backends (this route comes before the sampling proxy, which would forward anything else).
 * `recorder` is undefined when the ledger is disabled: the routes then say so (404).
 */
export function createDebugRoute(recorder: TraceRecorder | undefined, extras: IntakeExtras): Route {
  return (req, res, url) => {
    if (!url.pathname.startsWith('/debug/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { message: `${url.pathname} accepts GET, got ${req.method}` }, { allow: 'GET, HEAD' });
      return true;
    }
    const headers = { 'cache-control': 'no-store' };
    if (url.pathname === '/debug/intake') {
      const lists = recorder?.intake.snapshot() ?? { problems: [], backendErrors: [] };
      sendJson(res, 200, { ledger: recorder ? recorder.ledger.capacity : null, ...lists, spool: extras.spool(), counters: extras.counters() }, headers);
      return true;
    }
    const m = /^\/debug\/traces\/([^/]*)$/.exec(url.pathname);
    if (!m) {
      sendJson(res, 404, { message: `no such path: ${url.pathname} (try /debug/traces/<traceId> or /debug/intake)` });
      return true;
    }
    const text = safeDecode(m[1]);
    const id = parseTraceId(text);
    if (!id) {
      sendJson(res, 400, { message: `not a trace id: "${text.slice(0, 80)}" (expected 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx)` }, headers);
      return true;
    }
    if (!recorder) {
      sendJson(res, 404, { traceId: text, message: 'the trace ledger is disabled (Ledger.MaxMB: 0)' }, headers);
      return true;
    }
    const found = recorder.ledger.lookup(id);
    if (!found) {
      const { routine, trouble } = recorder.ledger.capacity;
      const message = `no record of this trace: never received, or older than the ledger keeps (the last ${routine} deliveries and ${trouble} problems)`;
      sendJson(res, 404, { traceId: text, message }, headers);
      return true;
    }
    sendJson(res, 200, found, headers);
    return true;
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
