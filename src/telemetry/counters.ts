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
  backendErrors: Record<BackendErrorClass, number>;
}

function zero(): CounterValues {
  return {
    received: 0,
    sent: 0,
    spillover: 0,
    rejected: 0,
    backendErrors: { timeout: 0, refused: 0, http4xx: 0, http5xx: 0, unknownHost: 0, other: 0 },
  };
}

export class Counters {
  private readonly totals = zero();
  private baseline = zero();

  received(n = 1): void {
    this.totals.received += n;
  }
  sent(n: number): void {
    this.totals.sent += n;
  }
  spillover(n: number): void {
    this.totals.spillover += n;
  }
  rejected(n = 1): void {
    this.totals.rejected += n;
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
      backendErrors: errors,
    };
  }
}
