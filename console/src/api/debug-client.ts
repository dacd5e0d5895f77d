import { ApiError } from './xray-client.js';

/** `GET /debug/intake` (see src/ledger/debug-route.ts). */
export interface Intake {
  ledger: { routine: number; trouble: number } | null;
  problems: { firstAt: string; lastAt: string; kind: 'rejected' | 'dropped'; reason: string; count: number; sample: string }[];
  backendErrors: { firstAt: string; lastAt: string; code: string; message: string; count: number }[];
  spool: { directory: string; bytes: number; limitBytes: number; segments: number; files: number; oldestAgeSeconds: number; writable: boolean } | null;
  counters: {
    received: number;
    sent: number;
    spillover: number;
    rejected: number;
    replayed: number;
    droppedByReason: Record<string, number>;
    rejectedByReason: Record<string, number>;
  };
}

/** `GET /debug/traces/<id>`. */
export interface TraceRecord {
  traceId: string;
  segments: { id: string; events: { at: string; event: string; detail: string }[] }[];
}

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('NetworkError', 'xrayd is not reachable. Is the daemon still running?', 0);
  }
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new ApiError(`HTTP ${res.status}`, body.message ?? res.statusText, res.status);
  return body as T;
}

export const getIntake = (signal?: AbortSignal) => get<Intake>('/debug/intake', signal);
export const getTraceRecord = (traceId: string, signal?: AbortSignal) => get<TraceRecord>(`/debug/traces/${encodeURIComponent(traceId)}`, signal);
