/**
 * Shared backoff for all uploaders: while the backend keeps failing, only one probe is in flight and
 * each next attempt waits longer (exponential with jitter between half and all of the step, capped; Retry-After honoured). The first
 * success reopens the gate at full concurrency.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** No delay (Retry-After included) is longer than this: the retry window, past which waiting only loses data. */
  capMs?: number;
  random?: () => number;
}

export class SharedBackoff {
  private failures = 0;
  private blockedUntil = 0;

  constructor(private readonly opts: BackoffOptions) {}

  /** True while the backend is failing: callers then send one attempt at a time. */
  get degraded(): boolean {
    return this.failures > 0;
  }

  /** When the next attempt may start (the caller's clock, ms; 0 = now). */
  get nextAttemptAt(): number {
    return this.blockedUntil;
  }

  /** Records a failed attempt; returns the delay chosen before the next attempt. */
  failure(now: number, retryAfterMs?: number): number {
    this.failures++;
    const exp = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(this.failures - 1, 30));
    const jittered = Math.round(exp / 2 + (exp / 2) * (this.opts.random ?? Math.random)());
    const delay = Math.min(retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered, this.opts.capMs ?? Infinity);
    this.blockedUntil = now + delay;
    return delay;
  }

  success(): void {
    this.failures = 0;
    this.blockedUntil = 0;
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds; undefined when absent or bad. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
