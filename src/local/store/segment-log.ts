/**
 * The append side of the store log (format: log-record.ts), plugged into the store as its journal.
 *
 * Crash safety: records are only ever appended, so a crash mid-write can at worst leave a torn
 * last line, which replay skips. Writes are synchronous `write(2)` calls, one per batch: a process
 * crash loses nothing already written; an OS crash may lose what the page cache had not flushed.
 *
 * Compaction (when the log exceeds `compactMinBytes` and twice the live documents' size) runs in
 * the background: the live documents are written to `<path>.tmp` in chunks between event-loop
 * turns, while new records keep going to the old log and are remembered; then, in one synchronous
 * step, the remembered records are added to the temp file, it is fsynced and renamed over the
 * log. The log on disk is therefore always the old or the new complete file. A document may be
 * written twice (a later copy of the same id simply wins on replay).
 *
 * Persistence is best effort behind the memory store: a failed write (disk full, I/O error) is
 * counted and logged once per episode, the documents stay served from memory, and the next
 * append starts on a fresh line so a partial write costs only its own records.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Logger } from '../../log/logger.js';
import { silentLogger } from '../../log/logger.js';
import { EpisodeWarning } from '../../log/episode-warning.js';
import { MAGIC, encodeRecord } from './log-record.js';
import type { StoreJournal } from './trace-store.js';

/** By default compaction waits until the log holds at least this much. */
export const DEFAULT_COMPACT_MIN_BYTES = 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

function writeAll(fd: number, text: string): number {
  const buf = Buffer.from(text);
  let written = 0;
  while (written < buf.length) written += writeSync(fd, buf, written);
  return buf.length;
}

export class SegmentLog implements StoreJournal {
  private fd: number | undefined;
  private size: number;
  /** Records appended while a compaction is writing its temp file. */
  private pending: string[] | undefined;
  private compaction: Promise<void> | undefined;
  /** A write failed part-way: the file may end in a partial line. */
  private torn = false;
  private readonly writeFailures: EpisodeWarning;
  /** The latest state records (store-log kind "state"), written first by every compaction. */
  private stateSource: () => Iterable<string> = () => [];
  compactions = 0;
  /** Batches that could not be written. */
  failedWrites = 0;

  constructor(
    private readonly path: string,
    private readonly compactMinBytes = DEFAULT_COMPACT_MIN_BYTES,
    private readonly logger: Logger = silentLogger,
  ) {
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
    if (this.size === 0) this.size = writeAll(this.fd, MAGIC);
    this.writeFailures = new EpisodeWarning(logger, 'could not write to the store log; these batches are kept in memory only');
  }

  /** Where compaction reads the live state records from (the log keeps their latest versions). */
  setStateSource(source: () => Iterable<string>): void {
    this.stateSource = source;
  }

  /** Current log size in bytes. */
  get bytes(): number {
    return this.size;
  }

  append(texts: readonly string[]): void {
    if (this.fd === undefined) return;
    let out = this.torn ? '\n' : '';
    for (const t of texts) out += encodeRecord(t);
    try {
      this.size += this.write(this.fd, out);
      this.torn = false;
      this.pending?.push(out);
    } catch (err) {
      this.torn = true;
      this.failedWrites += 1;
      this.writeFailures.add(1, { path: this.path, error: (err as Error).message });
    }
  }

  /** One append's write; a seam for tests that simulate a failing disk. */
  protected write(fd: number, text: string): number {
    return writeAll(fd, text);
  }

  afterBatch(liveBytes: number, liveTexts: () => Iterable<string>): void {
    if (this.compaction || this.fd === undefined) return;
    if (this.size > this.compactMinBytes && this.size > 2 * liveBytes) void this.compact(liveTexts());
  }

  /** Rewrites the log with the given documents (plus whatever is appended meanwhile). */
  compact(texts: Iterable<string>): Promise<void> {
    this.compaction ??= this.rewrite(texts).finally(() => {
      this.compaction = undefined;
      this.pending = undefined;
    });
    return this.compaction;
  }

  private async rewrite(texts: Iterable<string>): Promise<void> {
    const tmp = `${this.path}.tmp`;
    // The live set and the start of `pending` must be the same instant: iterating the store lazily
    // across the awaits below would mix in documents added (and miss ones evicted) meanwhile, and a
    // replay could then keep stale traces. References only: the texts are not copied.
    const snapshot = [...this.stateSource(), ...texts];
    this.pending = [];
    const handle = await open(tmp, 'w');
    let size = 0;
    let renamed = false;
    try {
      let out = MAGIC;
      for (const t of snapshot) {
        out += encodeRecord(t);
        if (out.length >= CHUNK_BYTES) {
          const buf = Buffer.from(out);
          out = '';
          await handle.write(buf);
          size += buf.length;
          if (this.fd === undefined) return; // closed meanwhile: the old log stays
        }
      }
      if (this.fd === undefined) return;
      // From here on everything is synchronous: no append can slip between the last write and the swap.
      for (const p of this.pending) out += p;
      size += writeAll(handle.fd, out);
      fsyncSync(handle.fd);
      renameSync(tmp, this.path);
      renamed = true;
      closeSync(this.fd);
      this.fd = openSync(this.path, 'a');
      this.size = size;
      this.compactions += 1;
    } catch (err) {
      this.logger.error({ err, path: this.path }, 'store log compaction failed; the log keeps growing until the next attempt');
    } finally {
      await handle.close();
      if (!renamed) rmSync(tmp, { force: true });
    }
  }

  /** Waits for a running compaction, then flushes to disk and closes; idempotent. */
  async close(): Promise<void> {
    await this.compaction;
    this.writeFailures.flush();
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
