import { setMaxListeners } from 'node:events';
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import type { Counters } from '../telemetry/counters.js';
import type { SegmentDocument, SegmentSink, SendOutcome } from './segment-sink.js';
import type { Batch } from './segment-buffer.js';
import type { BatchSource } from './batch-source.js';
import { SharedBackoff } from '../upload/backoff.js';
import type { FaultHandle } from '../health/background-faults.js';

export interface DispatcherOptions {
  buffer: BatchSource;
  sink: SegmentSink;
  counters: Counters;
  logger: Logger;
  batchSize: number;
  flushIntervalMs: number;
  concurrency: number;
  /** A batch is retried until this long after its first attempt, then dropped (counted as spillover). */
  retryWindowMs: number;
  /** First retry delay; doubles per consecutive failure up to `retryMaxDelayMs`. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /**
   * An attempt that has not settled after this long is given up as hung (aborted, its batch held for
   * retry, `health` told): a stuck credential fetch or connection must not hold a batch forever.
   */
  attemptDeadlineMs?: number;
  backoff?: SharedBackoff;
  /** Scheduling clock; defaults to the buffer's (monotonic), so wall-clock steps never stall batches. */
  now?: () => number;
  /** Wall clock, only for the "last successful upload" time shown to people. */
  wallNow?: () => number;
  /** Told of a hung attempt and of a backend failing for longer than `retryWindowMs`, and when it works again (/healthz). */
  health?: FaultHandle;
  /** Called after every attempt with its duration (for the upload latency histogram). */
  onAttempt?: (outcome: SendOutcome, durationMs: number) => void;
  /** Called with every attempt's documents and outcome, and `expired` when a batch is given up (the trace ledger). */
  onOutcome?: (documents: readonly SegmentDocument[], outcome: SendOutcome, expired: boolean) => void;
  /**
   * The buffer keeps what is not delivered for the next start (a disk spool): at shutdown, the
   * first failed attempt ends the drain at once rather than retrying until the deadline.
   */
  drainStopsOnFailure?: boolean;
}

const DEFAULT_ATTEMPT_DEADLINE_MS = 30_000;
/**
 * libuv reads up to 32 datagrams from a socket per event-loop turn. The native receiver hands over up to 128 in one
 * callback; the same threshold was measured best for it too (a full native batch, 128, or never deferring cost
 * ~1 µs more per segment at 20k/s: the turn's wait lets more documents gather before a pump).
 */
const BACKLOG_ARRIVALS_PER_TURN = 32;
/** Longest uploads wait for the socket to be drained. */
const MAX_RECEIVE_PRIORITY_MS = 50;

/**
 * Batches documents out of the buffer and hands them to the sink: a full batch leaves at once, a
 * partial one after `flushIntervalMs`; at most `concurrency` attempts run at a time, and only one
 * while the backend is failing. Outcomes are counted here, in one place: success -> sent
 * (+ rejected for unprocessed), failure -> rejected, retryable -> held for retry inside the
 * buffer's budget until the retry window closes (then spillover). Every time here is on the
 * buffer's monotonic clock.
 */
export class Dispatcher {
  private readonly backoff: SharedBackoff;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private draining = false;
  private stopped = false;
  private lastSuccessAt: number | undefined;
  private inFlightDocuments = 0;
  /** Documents notified since the last deferred pump ran (one event-loop turn's worth). */
  private arrivals = 0;
  private pumpQueued = false;
  private deferredSince: number | undefined;
  /** Start of the current run of failed attempts (undefined after a success). */
  private failingSince: number | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Set while a drain waits: called when an attempt fails (drainStopsOnFailure). */
  private drainFailed: (() => void) | undefined;
  private readonly rejectWarning: EpisodeWarning;
  private readonly retryWarning: EpisodeWarning;
  private readonly expiredWarning: EpisodeWarning;
  private readonly hungWarning: EpisodeWarning;

  constructor(private readonly opts: DispatcherOptions) {
    // every attempt in flight listens on the one shutdown signal: up to `concurrency` (max 256) at once
    setMaxListeners(0, this.abort.signal);
    // a Retry-After or backoff longer than the retry window would only expire every batch: cap it there
    this.backoff = opts.backoff ?? new SharedBackoff({ baseMs: opts.retryBaseDelayMs, maxMs: opts.retryMaxDelayMs, capMs: opts.retryWindowMs });
    this.now = opts.now ?? opts.buffer.now;
    this.rejectWarning = new EpisodeWarning(opts.logger, 'backend refused segments');
    this.retryWarning = new EpisodeWarning(opts.logger, 'upload failed, will retry');
    this.expiredWarning = new EpisodeWarning(opts.logger, 'retry window exhausted: segments dropped (counted as spillover)');
    this.hungWarning = new EpisodeWarning(opts.logger, 'upload attempt hung past its deadline: aborted, batch re-queued');
  }

  /** Attempts currently running. */
  get inFlight(): number {
    return this.running;
  }
  /** Wall-clock time (epoch ms) of the last accepted upload. */
  get lastSuccessfulUploadAt(): number | undefined {
    return this.lastSuccessAt;
  }

  /** Called after documents were pushed into the buffer (once per datagram: keep it cheap). */
  notify(): void {
    if (this.stopped) return;
    this.arrivals++;
    if (this.opts.buffer.queuedDocuments >= this.opts.batchSize || this.draining) this.pumpSoon();
    // a timer already armed no later than this document's flush time covers it
    else if (!this.timer || this.timerAt > this.now() + this.opts.flushIntervalMs) this.schedule();
  }

  /**
   * Uploads run after the event loop's I/O phase, not inside the datagram callback, and wait while
   * the UDP socket has a backlog: libuv reads at most 32 datagrams per socket per turn, so a turn
   * with that many means the kernel holds more. Draining the socket into the buffer first (~3 µs a
   * datagram) and uploading after (~7 µs a document) is what keeps a stall of the process (a busy
   * machine, a GC) from overflowing the kernel's receive buffer, which is where datagrams are lost.
   * The wait is bounded in time and by half the buffer budget.
   */
  private pumpSoon(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    this.deferredSince = undefined;
    setImmediate(this.deferredPump);
  }

  private readonly deferredPump = (): void => {
    const backlog = this.arrivals >= BACKLOG_ARRIVALS_PER_TURN;
    this.arrivals = 0;
    const { buffer } = this.opts;
    this.deferredSince ??= this.now();
    if (backlog && !this.draining && this.now() - this.deferredSince < MAX_RECEIVE_PRIORITY_MS && buffer.usedBytes < buffer.limitBytes / 2) {
      setImmediate(this.deferredPump);
      return;
    }
    this.pumpQueued = false;
    this.pump();
  };

  /**
   * Sends everything still held, partial batches included, and resolves when the buffer is empty and
   * no attempt runs, or after `timeoutMs` (or, with `drainStopsOnFailure`, when an attempt fails or
   * the backend was failing already):
   * then in-flight attempts are aborted and what is left is returned as a count (the caller logs it).
   */
  async drain(timeoutMs: number): Promise<{ undelivered: number }> {
    this.draining = true;
    const done = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const failed = new Promise<'failed'>((resolve) => {
      if (!this.opts.drainStopsOnFailure) return;
      this.drainFailed = () => resolve('failed');
      // the last attempt failed already: retrying what waits in backoff would only run out the clock
      if (this.failingSince !== undefined) resolve('failed');
    });
    this.pump();
    let deadlineTimer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      deadlineTimer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
    });
    const result = await Promise.race([done.then(() => 'done' as const), timedOut, failed]);
    clearTimeout(deadlineTimer);
    this.drainFailed = undefined;
    this.stopped = true;
    this.clearTimer();
    if (result === 'done') return { undelivered: 0 };
    const inFlightDocs = this.inFlightDocuments;
    this.abort.abort(new Error('shutdown deadline reached'));
    const left = this.opts.buffer.drainAll() + inFlightDocs;
    return { undelivered: left };
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (!this.opts.buffer.isEmpty || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private pump(): void {
    if (this.stopped) return;
    const { buffer } = this.opts;
    for (;;) {
      const limit = this.backoff.degraded ? 1 : this.opts.concurrency;
      if (this.running >= limit) break;
      if (this.backoff.nextAttemptAt > this.now() && !this.draining) break;
      const batch = buffer.takeDueRetry() ?? this.takeNewBatch();
      if (!batch) break;
      this.inFlightDocuments += batch.documents.length;
      this.running++;
      this.attempt(batch).catch((err: unknown) => {
        // attempt() handles sink errors itself; this only guards against a bug in settling
        this.opts.health?.failed(err);
      });
    }
    this.schedule();
    this.checkIdle();
  }

  private takeNewBatch(): Batch | undefined {
    const { buffer, batchSize, flushIntervalMs } = this.opts;
    const oldest = buffer.oldestQueuedAt;
    if (oldest === undefined) return undefined;
    const full = buffer.queuedDocuments >= batchSize;
    if (!full && !this.draining && this.now() - oldest < flushIntervalMs) return undefined;
    return buffer.takeBatch(batchSize);
  }

  private async attempt(batch: Batch): Promise<void> {
    const started = this.now();
    batch.firstAttemptAt ??= started;
    batch.attempts++;
    const outcome = await this.sendWithDeadline(batch);
    this.running--;
    this.inFlightDocuments -= batch.documents.length;
    if (this.stopped) return; // aborted at the shutdown deadline: counted by drain()
    this.opts.onAttempt?.(outcome, this.now() - started);
    const expired = this.settle(batch, outcome);
    this.opts.onOutcome?.(batch.documents, outcome, expired);
    setImmediate(() => this.pump());
  }

  /** The sink's outcome, or a retryable "hung" outcome once the attempt's deadline passes (the attempt is aborted). */
  private sendWithDeadline(batch: Batch): Promise<SendOutcome> {
    const deadlineMs = this.opts.attemptDeadlineMs ?? DEFAULT_ATTEMPT_DEADLINE_MS;
    const attempt = new AbortController();
    const onShutdown = () => attempt.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', onShutdown, { once: true });
    return new Promise<SendOutcome>((resolve) => {
      const timer = setTimeout(() => {
        const message = `upload attempt did not finish within ${deadlineMs} ms (hung): aborted, batch re-queued`;
        this.hungWarning.add(1, { deadlineMs, documents: batch.documents.length });
        this.opts.health?.failed(message);
        attempt.abort(new Error(message));
        resolve({ status: 'retryable', errorClass: 'timeout', message });
      }, deadlineMs);
      // a watchdog only: after a shutdown abort, a sink that ignores the signal must not hold the process for it
      timer.unref?.();
      Promise.resolve()
        .then(() => this.opts.sink.send(batch.documents, attempt.signal))
        .then(
        (outcome) => resolve(outcome),
        // sinks resolve outcomes; a throw is a bug, but it must not lose the batch silently
        (err: unknown) => resolve({ status: 'retryable', errorClass: 'other', message: `sink error: ${(err as Error).message}` }),
      ).finally(() => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', onShutdown);
      });
    });
  }

  /** Counts and releases or holds the batch; true when it was given up (retry window closed). */
  private settle(batch: Batch, outcome: SendOutcome): boolean {
    const { buffer, counters, logger } = this.opts;
    const n = batch.documents.length;
    if (outcome.status !== 'retryable') for (const c of outcome.failedAttempts ?? []) counters.backendError(c);
    if (outcome.status === 'success') {
      buffer.release(batch);
      this.backoff.success();
      this.lastSuccessAt = (this.opts.wallNow ?? Date.now)();
      this.failingSince = undefined;
      this.opts.health?.recovered();
      const refused = Math.min(outcome.unprocessed.length, n);
      counters.sent(n - refused);
      if (refused) {
        counters.rejected(refused, 'unprocessed');
        this.rejectWarning.add(refused, { unprocessed: outcome.unprocessed.slice(0, 5) });
      }
      return false;
    }
    if (outcome.errorClass) counters.backendError(outcome.errorClass);
    this.noteFailure(outcome.message);
    if (outcome.status === 'failure') {
      buffer.release(batch);
      counters.rejected(n, 'refused');
      logger.error({ documents: n, reason: outcome.message }, 'backend refused a batch; its segments are dropped');
      return false;
    }
    const delay = this.backoff.failure(this.now(), outcome.retryAfterMs);
    if (this.now() + delay - batch.firstAttemptAt! > this.opts.retryWindowMs) {
      buffer.release(batch);
      counters.spillover(n, 'retry-window');
      this.expiredWarning.add(n, { lastReason: outcome.message, attempts: batch.attempts, retryWindowMs: this.opts.retryWindowMs });
      return true;
    }
    batch.notBefore = this.now() + delay;
    buffer.hold(batch);
    this.drainFailed?.();
    this.retryWarning.add(1, { reason: outcome.message, errorClass: outcome.errorClass, retryInMs: delay });
    return false;
  }

  /** A backend failing for longer than the retry window loses segments: /healthz says so. */
  private noteFailure(message: string | undefined): void {
    const now = this.now();
    this.failingSince ??= now;
    const failingMs = now - this.failingSince;
    if (failingMs > this.opts.retryWindowMs) {
      this.opts.health?.failed(`backend failing for ${Math.round(failingMs / 1000)} s (longer than the retry window): ${message ?? 'unknown error'}`);
    }
  }

  /** Arms one timer for the earliest moment something becomes sendable. */
  private schedule(): void {
    const { buffer, flushIntervalMs } = this.opts;
    const oldest = buffer.oldestQueuedAt;
    const retry = buffer.nextRetryAt;
    if ((oldest === undefined && retry === undefined) || this.stopped) return this.clearTimer();
    const due = Math.min(oldest === undefined ? Infinity : oldest + flushIntervalMs, retry ?? Infinity);
    const at = Math.max(due, this.backoff.nextAttemptAt);
    if (this.timer && at >= this.timerAt) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, at - this.now()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Logs any pending episode warnings (shutdown). */
  flushWarnings(): void {
    this.rejectWarning.flush();
    this.retryWarning.flush();
    this.expiredWarning.flush();
    this.hungWarning.flush();
  }
}
