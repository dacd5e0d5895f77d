import { setMaxListeners } from 'node:events';
import PQueue from 'p-queue';
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import type { Counters } from '../telemetry/counters.js';
import type { SegmentSink, SendOutcome } from './segment-sink.js';
import type { Batch } from './segment-buffer.js';
import type { BatchSource } from './batch-source.js';
import { SharedBackoff } from '../upload/backoff.js';

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
  backoff?: SharedBackoff;
  now?: () => number;
  /** Called after every attempt with its duration (for the upload latency histogram). */
  onAttempt?: (outcome: SendOutcome, durationMs: number) => void;
  /** Called with every attempt's documents and outcome, and `expired` when a batch is given up (the trace ledger). */
  onOutcome?: (documents: readonly string[], outcome: SendOutcome, expired: boolean) => void;
}

/**
 * Batches documents out of the buffer and hands them to the sink: a full batch leaves at once, a
 * partial one after `flushIntervalMs`; at most `concurrency` attempts run at a time (p-queue), and
 * only one while the backend is failing. Outcomes are counted here, in one place:
 * success -> sent (+ rejected for unprocessed), failure -> rejected, retryable -> held for retry
 * inside the buffer's budget until the retry window closes (then spillover).
 */
export class Dispatcher {
  private readonly queue: PQueue;
  private readonly backoff: SharedBackoff;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private draining = false;
  private stopped = false;
  private lastSuccessAt: number | undefined;
  private readonly rejectWarning: EpisodeWarning;
  private readonly retryWarning: EpisodeWarning;
  private readonly expiredWarning: EpisodeWarning;

  constructor(private readonly opts: DispatcherOptions) {
    this.queue = new PQueue({ concurrency: opts.concurrency });
    // every attempt in flight listens on the one shutdown signal: up to `concurrency` (max 256) at once
    setMaxListeners(0, this.abort.signal);
    this.backoff = opts.backoff ?? new SharedBackoff({ baseMs: opts.retryBaseDelayMs, maxMs: opts.retryMaxDelayMs });
    this.now = opts.now ?? Date.now;
    this.rejectWarning = new EpisodeWarning(opts.logger, 'backend refused segments');
    this.retryWarning = new EpisodeWarning(opts.logger, 'upload failed, will retry');
    this.expiredWarning = new EpisodeWarning(opts.logger, 'retry window exhausted: segments dropped (counted as spillover)');
  }

  /** Attempts currently running. */
  get inFlight(): number {
    return this.queue.pending;
  }
  get lastSuccessfulUploadAt(): number | undefined {
    return this.lastSuccessAt;
  }

  /** Called after documents were pushed into the buffer. */
  notify(): void {
    if (this.stopped) return;
    if (this.opts.buffer.queuedDocuments >= this.opts.batchSize || this.draining) this.pump();
    // hot path (every datagram): a timer already armed no later than this document's flush time covers it
    else if (!this.timer || this.timerAt > this.now() + this.opts.flushIntervalMs) this.schedule();
  }

  /**
   * Sends everything still held, partial batches included, and resolves when the buffer is empty and
   * no attempt runs, or at `deadline` (epoch ms): then in-flight attempts are aborted and what is left
   * is returned as a count (the caller logs it).
   */
  async drain(deadline: number): Promise<{ undelivered: number }> {
    this.draining = true;
    const done = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.pump();
    let deadlineTimer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      deadlineTimer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - this.now()));
    });
    const result = await Promise.race([done.then(() => 'done' as const), timedOut]);
    clearTimeout(deadlineTimer);
    this.stopped = true;
    this.clearTimer();
    if (result === 'done') return { undelivered: 0 };
    const inFlightDocs = this.inFlightDocuments;
    this.abort.abort(new Error('shutdown deadline reached'));
    const left = this.opts.buffer.drainAll() + inFlightDocs;
    return { undelivered: left };
  }

  private inFlightDocuments = 0;
  private idleWaiters: (() => void)[] = [];

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (!this.opts.buffer.isEmpty || this.queue.pending > 0 || this.queue.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private pump(): void {
    if (this.stopped) return;
    const { buffer } = this.opts;
    for (;;) {
      const limit = this.backoff.degraded ? 1 : this.opts.concurrency;
      if (this.queue.pending + this.queue.size >= limit) break;
      if (this.backoff.nextAttemptAt > this.now() && !this.draining) break;
      const batch = buffer.takeDueRetry() ?? this.takeNewBatch();
      if (!batch) break;
      this.inFlightDocuments += batch.documents.length;
      void this.queue.add(() => this.attempt(batch));
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
    let outcome: SendOutcome;
    try {
      outcome = await this.opts.sink.send(batch.documents, this.abort.signal);
    } catch (err) {
      // sinks resolve outcomes; a throw is a bug, but it must not lose the batch silently
      outcome = { status: 'retryable', errorClass: 'other', message: `sink error: ${(err as Error).message}` };
    }
    this.inFlightDocuments -= batch.documents.length;
    if (this.stopped) return; // aborted at the shutdown deadline: counted by drain()
    this.opts.onAttempt?.(outcome, this.now() - started);
    const expired = this.settle(batch, outcome);
    this.opts.onOutcome?.(batch.documents, outcome, expired);
    setImmediate(() => this.pump());
  }

  /** Counts and releases or holds the batch; true when it was given up (retry window closed). */
  private settle(batch: Batch, outcome: SendOutcome): boolean {
    const { buffer, counters, logger } = this.opts;
    const n = batch.documents.length;
    if (outcome.status !== 'retryable') for (const c of outcome.failedAttempts ?? []) counters.backendError(c);
    if (outcome.status === 'success') {
      buffer.release(batch);
      this.backoff.success();
      this.lastSuccessAt = this.now();
      const refused = Math.min(outcome.unprocessed.length, n);
      counters.sent(n - refused);
      if (refused) {
        counters.rejected(refused, 'unprocessed');
        this.rejectWarning.add(refused, { unprocessed: outcome.unprocessed.slice(0, 5) });
      }
      return false;
    }
    if (outcome.errorClass) counters.backendError(outcome.errorClass);
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
    this.retryWarning.add(1, { reason: outcome.message, errorClass: outcome.errorClass, retryInMs: delay });
    return false;
  }

  /** Arms one timer for the earliest moment something becomes sendable. */
  private schedule(): void {
    const { buffer, flushIntervalMs } = this.opts;
    const candidates: number[] = [];
    const oldest = buffer.oldestQueuedAt;
    if (oldest !== undefined) candidates.push(oldest + flushIntervalMs);
    const retry = buffer.nextRetryAt;
    if (retry !== undefined) candidates.push(retry);
    if (candidates.length === 0 || this.stopped) return this.clearTimer();
    const at = Math.max(Math.min(...candidates), this.backoff.nextAttemptAt);
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
  }
}
