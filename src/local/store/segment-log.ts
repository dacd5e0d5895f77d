/**
 * The append side of the store log (format: log-record.ts), plugged into the store as its journal.
 *
 * Crash safety: records are only ever appended, so a crash mid-write can at worst leave a torn
 * last line, which replay skips. Writes are synchronous `write(2)` calls, one per batch: a process
 * crash loses nothing already written; an OS crash may lose what the page cache had not flushed.
 *
 * Compaction (log-compaction.ts) runs when the log exceeds `compactMinBytes` and twice the live
 * records' size; records appended meanwhile are remembered here and go into the new log too.
 *
 * Persistence is best effort behind the memory store: a failed write (disk full, I/O error) or a
 * failed compaction never throws out of here. It is counted and logged once per episode, shown in
 * /healthz (components `store` and `store-compaction`), the documents stay served from memory,
 * and the next append starts on a fresh line so a partial write costs only its own records. A
 * failed compaction is retried after an exponential backoff, not on every batch.
 */
import { close, closeSync, fsyncSync, openSync, fstatSync } from 'node:fs';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import { BackgroundFaults, type FaultHandle } from '../../health/background-faults.js';
import { HealthRegistry } from '../../health/component-health.js';
import { MAGIC, encodeRecord, writeAll } from './log-record.js';
import { compactLog, type CompactionTarget } from './log-compaction.js';
import type { StoreJournal } from './trace-store.js';
import type { LiveRecords } from './live-snapshot.js';

/** By default compaction waits until the log holds at least this much. */
export const DEFAULT_COMPACT_MIN_BYTES = 1024 * 1024;
/** After a failed compaction the next waits this long, doubling per failure up to the cap. */
export const COMPACT_RETRY_BASE_MS = 5_000;
export const COMPACT_RETRY_MAX_MS = 5 * 60_000;

export interface SegmentLogHealth {
  /** Appends (`store`). */
  write: FaultHandle;
  /** Compactions (`store-compaction`). */
  compaction: FaultHandle;
}

export function segmentLogHealth(faults: BackgroundFaults, logger: Logger): SegmentLogHealth {
  return {
    write: faults.component('store', 'could not write to the store log; batches are kept in memory only until writes work again', logger),
    compaction: faults.component('store-compaction', 'store log compaction failed; the log keeps growing, next attempt after a backoff', logger),
  };
}

export class SegmentLog implements StoreJournal, CompactionTarget {
  private fd: number | undefined;
  private size: number;
  /** Records appended while a compaction is writing its temp file. */
  private pending: string[] | undefined;
  private compaction: Promise<void> | undefined;
  /** A write failed part-way: the file may end in a partial line. */
  private torn = false;
  private compactFailures = 0;
  /** Monotonic time (performance.now) before which no compaction starts (backoff after a failure). */
  private compactNotBefore = 0;
  private readonly health: SegmentLogHealth;
  /** The latest state records (store-log kind "state"), written first by every compaction. */
  private stateSource: () => Iterable<string> = () => [];
  compactions = 0;
  /** Batches that could not be written. */
  failedWrites = 0;

  constructor(
    readonly path: string,
    private readonly compactMinBytes = DEFAULT_COMPACT_MIN_BYTES,
    private readonly logger: Logger = silentLogger,
    health?: SegmentLogHealth,
  ) {
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
    if (this.size === 0) this.size = writeAll(this.fd, MAGIC);
    this.health = health ?? segmentLogHealth(new BackgroundFaults(new HealthRegistry(), logger), logger);
  }

  /** Where compaction reads the live state records from (the log keeps their latest versions). */
  setStateSource(source: () => Iterable<string>): void {
    this.stateSource = source;
  }

  /** Current log size in bytes. */
  get bytes(): number {
    return this.size;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  append(texts: readonly string[]): void {
    if (this.fd === undefined) return;
    let out = this.torn ? '\n' : '';
    for (const t of texts) out += encodeRecord(t);
    try {
      this.size += this.write(this.fd, out);
      this.torn = false;
      this.pending?.push(out);
      this.health.write.recovered();
    } catch (err) {
      this.torn = true;
      this.failedWrites += 1;
      this.health.write.failed(err, { path: this.path });
    }
  }

  /** One append's write; a seam for tests that simulate a failing disk. */
  protected write(fd: number, text: string): number {
    return writeAll(fd, text);
  }

  afterBatch(liveBytes: number, liveTexts: () => LiveRecords): void {
    if (this.compaction || this.fd === undefined || performance.now() < this.compactNotBefore) return;
    if (this.size > this.compactMinBytes && this.size > 2 * liveBytes) void this.compact(liveTexts());
  }

  /**
   * Rewrites the log with the given records (plus whatever is appended meanwhile). `texts` must
   * already be a snapshot of the live set (iterated lazily, but fixed when it was created); it is
   * released when the compaction ends. Never rejects: a failure is reported and backs off the
   * next attempt.
   */
  compact(texts: Iterable<string> | LiveRecords): Promise<void> {
    this.compaction ??= this.runCompaction(texts);
    return this.compaction;
  }

  private async runCompaction(texts: Iterable<string> | LiveRecords): Promise<void> {
    // The state records (few: groups, rules, settings...) are copied at the instant `pending` starts,
    // like the live documents' snapshot, and written first.
    const state = [...this.stateSource()];
    this.pending = [];
    const records = (function* () {
      yield* state;
      yield* texts;
    })();
    try {
      if (await compactLog(this, records)) {
        this.compactions += 1;
        this.compactFailures = 0;
        this.health.compaction.recovered();
      }
    } catch (err) {
      this.compactFailures += 1;
      const delay = Math.min(COMPACT_RETRY_BASE_MS * 2 ** (this.compactFailures - 1), COMPACT_RETRY_MAX_MS);
      this.compactNotBefore = performance.now() + delay;
      this.health.compaction.failed(err, { path: this.path, retryInMs: delay });
    } finally {
      if ('release' in texts) texts.release();
      this.compaction = undefined;
      this.pending = undefined;
    }
  }

  /** Records appended since the compaction started (CompactionTarget). */
  appendedDuringCompaction(): readonly string[] {
    return this.pending ?? [];
  }

  /** Swaps in the compacted log: `fd` (already open on it for appending) replaces ours (CompactionTarget). */
  adopt(fd: number, size: number): void {
    const old = this.fd;
    this.fd = fd;
    this.size = size;
    this.torn = false;
    // closed on the thread pool: the last close of the replaced (unlinked) log frees all its
    // blocks, which takes tens of ms for a big log; nothing is lost if it fails
    if (old !== undefined) close(old, () => {});
  }

  /** Waits for a running compaction, then flushes to disk and closes; idempotent. */
  async close(): Promise<void> {
    await this.compaction;
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
