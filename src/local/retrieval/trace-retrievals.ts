/**
 * Trace retrieval (the Transaction Search flow): StartTraceRetrieval records which trace ids and
 * time range to fetch and returns a token; locally the retrieval is done at once (status
 * COMPLETE), and ListRetrievedTraces / GetRetrievedTracesGraph read the stored traces it names
 * (those whose time overlaps the range, inclusive). CancelTraceRetrieval marks it CANCELLED (no
 * traces). A token is kept for `ttlMs` (default 1 hour, X-Ray's retrieval timeout) and at most
 * `maxRetrievals` are kept (the oldest is forgotten first); an unknown, forgotten or expired token
 * is ResourceNotFoundException. Not persisted: tokens do not survive a restart.
 */
import { randomBytes } from 'node:crypto';
import { resourceNotFound } from '../api/xray-api-error.js';
import type { TraceStore } from '../store/trace-store.js';
import type { TraceView } from '../trace-view.js';

export type RetrievalStatus = 'SCHEDULED' | 'RUNNING' | 'COMPLETE' | 'FAILED' | 'CANCELLED' | 'TIMEOUT';

interface Retrieval {
  traceIds: string[];
  startTime: number;
  endTime: number;
  createdAt: number;
  status: RetrievalStatus;
}

export interface RetrievalOptions {
  ttlMs?: number;
  maxRetrievals?: number;
  now?: () => number;
}

export class TraceRetrievals {
  private readonly retrievals = new Map<string, Retrieval>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(
    private readonly store: TraceStore,
    options: RetrievalOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.max = options.maxRetrievals ?? 100;
    this.now = options.now ?? Date.now;
  }

  start(traceIds: string[], startTime: number, endTime: number): string {
    const token = randomBytes(32).toString('hex');
    this.retrievals.set(token, { traceIds: [...new Set(traceIds)], startTime, endTime, createdAt: this.now(), status: 'COMPLETE' });
    for (const oldest of this.retrievals.keys()) {
      if (this.retrievals.size <= this.max) break;
      this.retrievals.delete(oldest);
    }
    return token;
  }

  private get(token: string): Retrieval {
    const r = this.retrievals.get(token);
    if (!r) throw resourceNotFound('Retrieval token not found (unknown, or expired and forgotten)', token);
    if (this.now() - r.createdAt > this.ttlMs) {
      this.retrievals.delete(token);
      throw resourceNotFound(`Retrieval token expired (results are kept for ${this.ttlMs / 60_000} minutes)`, token);
    }
    return r;
  }

  cancel(token: string): void {
    const r = this.get(token);
    r.status = 'CANCELLED';
  }

  /** The status and, once COMPLETE, the stored traces the retrieval names. */
  traces(token: string): { status: RetrievalStatus; traces: TraceView[] } {
    const r = this.get(token);
    if (r.status !== 'COMPLETE') return { status: r.status, traces: [] };
    const traces: TraceView[] = [];
    for (const id of r.traceIds) {
      const bounds = this.store.bounds(id);
      const trace = this.store.get(id);
      if (!trace || !bounds || bounds.endTime < r.startTime || bounds.startTime > r.endTime) continue;
      traces.push(trace);
    }
    return { status: r.status, traces };
  }
}
