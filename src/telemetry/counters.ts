/**
 * The daemon's own counters, in one place. Every stage increments exactly one of these for each
 * segment it drops or delivers. Totals are cumulative (for /healthz and /metrics); `takeInterval()`
 * hands telemetry the increments since its last call, so nothing is lost or counted twice.
 */
export type BackendErrorClass = 'timeout' | 'refused' | 'http4xx' | 'http5xx' | 'unknownHost' | 'other';
export const BACKEND_ERROR_CLASSES: readonly BackendErrorClass[] = ['timeout', 'refused', 'http4xx', 'http5xx', 'unknownHost', 'other'];

export interface CounterValues {
  /** Every non-empty datagram (the reference's definition). */
  received: number;
  /** Documents the backend accepted. */
  sent: number;
  /** Documents dropped for lack of buffer. */
  spillover: number;
  /** Malformed datagrams, unprocessed documents, documents refused by a non-retryable answer. */
  rejected: number;
  /** Documents recovered from the disk spool at start (written by an earlier run, not yet delivered). */
  replayed: number;
  backendErrors: Record<BackendErrorClass, number>;
}

/**
 * Why documents were dropped (each also counts in `spillover`): `buffer-full` (memory budget),
 * `retry-window` (a batch kept failing), `shutdown` (deadline reached), `spool-full` (the spool's limit),
 * `spool-unwritable` (the disk failed and memory was full too).
 */
export type DropReason = 'buffer-full' | 'retry-window' | 'shutdown' | 'spool-full' | 'spool-unwritable';
/**
 * Why documents were rejected (each also counts in `rejected`): the datagram checks (`empty`, `no-newline`,
 * `empty-body`, `bad-header`), `unprocessed` (listed by the backend), `refused` (a non-retryable answer).
 */
export type RejectReason = 'no-newline' | 'empty-body' | 'bad-header' | 'empty' | 'truncated' | 'unprocessed' | 'refused';

function zero(): CounterValues {
  return {
    received: 0,
    sent: 0,
    spillover: 0,
    rejected: 0,
    replayed: 0,
    backendErrors: { timeout: 0, refused: 0, http4xx: 0, http5xx: 0, unknownHost: 0, other: 0 },
  };
}

export class Counters {
  private readonly totals = zero();
  private baseline = zero();
  private readonly drops = new Map<DropReason, number>();
  private readonly rejections = new Map<RejectReason, number>();

  received(n = 1): void {
    this.totals.received += n;
  }
  sent(n: number): void {
    this.totals.sent += n;
  }
  spillover(n: number, reason: DropReason = 'buffer-full'): void {
    this.totals.spillover += n;
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + n);
  }
  rejected(n = 1, reason: RejectReason = 'refused'): void {
    this.totals.rejected += n;
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + n);
  }
  replayed(n: number): void {
    this.totals.replayed += n;
  }
  /** Cumulative drops by reason (only reasons seen so far). */
  dropsByReason(): Record<string, number> {
    return Object.fromEntries(this.drops);
  }
  /** Cumulative rejections by reason (only reasons seen so far). */
  rejectionsByReason(): Record<string, number> {
    return Object.fromEntries(this.rejections);
  }
  backendError(kind: BackendErrorClass): void {
    this.totals.backendErrors[kind] += 1;
  }

  /** Cumulative values since start (a copy). */
  snapshot(): CounterValues {
    return { ...this.totals, backendErrors: { ...this.totals.backendErrors } };
  }

  /** The increments since the previous call (or since start). */
  takeInterval(): CounterValues {
    const now = this.snapshot();
    const base = this.baseline;
    this.baseline = now;
    const errors = { ...now.backendErrors };
    for (const k of BACKEND_ERROR_CLASSES) errors[k] -= base.backendErrors[k];
    return {
      received: now.received - base.received,
      sent: now.sent - base.sent,
      spillover: now.spillover - base.spillover,
      rejected: now.rejected - base.rejected,
      replayed: now.replayed - base.replayed,
      backendErrors: errors,
    };
  }
}
