import type { Batch } from '../pipeline/segment-buffer.js';
import type { BatchSource } from '../pipeline/batch-source.js';
import { DOC_OVERHEAD_BYTES } from '../pipeline/segment-buffer.js';
import { Deque } from '../pipeline/deque.js';
import type { Counters, DropReason } from '../telemetry/counters.js';
import type { LedgerRecorder } from '../ledger/ledger-recorder.js';
import type { ComponentHealth } from '../health/component-health.js';
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import { DOC, encodeAck, encodeDoc } from './spool-record.js';
import { runsOf, type SeqRanges } from './seq-ranges.js';
import { readRecords } from './spool-files.js';
import { SpoolDisk } from './spool-disk.js';
import { SpoolReader } from './spool-reader.js';
import { openSpoolDirectory, type SpoolLock } from './spool-directory.js';

/** Documents not delivered within this long are written to disk (the kill -9 guarantee is "older than 1 s"). */
export const SPOOL_FLUSH_MS = 100;
/** ...or as soon as this many bytes wait to be written. */
const FLUSH_BYTES = 256 * 1024;
/** Batches read back from disk in flight at once: replay keeps memory near idle and leaves room for live traffic. */
const REPLAY_IN_FLIGHT = 2;

interface Entry {
  seq: number;
  text: string;
  bytes: number;
  at: number;
  onDisk: boolean;
  /** Delivered or refused before it was written: never written at all. */
  settled: boolean;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  /** The memory budget (as the memory buffer's): documents waiting, in flight and held for retry. */
  memoryLimitBytes: number;
  counters: Counters;
  recorder: LedgerRecorder;
  health: ComponentHealth;
  logger: Logger;
  now?: () => number;
}

export interface SpoolStats {
  directory: string;
  bytes: number;
  limitBytes: number;
  /** Documents in spool files not yet delivered. */
  segments: number;
  files: number;
  oldestAgeSeconds: number;
  writable: boolean;
  corruptBytes: number;
}

/**
 * The segment buffer with a disk spool behind it (a `BatchSource`, like `SegmentBuffer`): documents
 * wait in memory; whatever is not delivered within `SPOOL_FLUSH_MS` is appended to checksummed files in
 * the spool directory, so a crash, a restart or an outage longer than memory loses nothing received
 * more than a second before. When memory is full, the oldest waiting documents stay on disk only and
 * are read back (oldest first) as the dispatcher asks for batches; files are deleted once every
 * document in them is delivered, so the directory shrinks back. Past `maxBytes`, the oldest file is
 * deleted and its undelivered documents counted as dropped (`spool-full`). A disk error makes the spool
 * fall back to memory (reported in /healthz), and writing is tried again with backoff until it works.
 */
export class SpooledBuffer implements BatchSource {
  private readonly cache = new Deque<Entry>();
  private readonly held = new Deque<Batch>();
  private readonly inFlight = new Set<Batch>();
  private unwritten: Entry[] = [];
  private unwrittenBytes = 0;
  private acks: Buffer[] = [];
  private cacheBytes = 0;
  private heldBytes = 0;
  private inFlightBytes = 0;
  private diskUnread: number;
  private readSeq: number;
  private nextSeq: number;
  private readonly firstSeqThisRun: number;
  private readonly reader: SpoolReader;
  private readonly acked: SeqRanges;
  private replayInFlight = 0;
  private failures = 0;
  private retryAt = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly diskWarning: EpisodeWarning;
  private readonly fullWarning: EpisodeWarning;

  private constructor(
    private readonly opts: SpoolOptions,
    private readonly disk: SpoolDisk,
    private readonly lock: SpoolLock,
  ) {
    this.now = opts.now ?? Date.now;
    const rec = lock.recovered;
    this.diskUnread = rec.unsettled;
    this.readSeq = rec.firstUnsettledSeq;
    this.nextSeq = this.firstSeqThisRun = rec.nextSeq;
    this.acked = rec.acked;
    this.reader = new SpoolReader(disk, rec.acked);
    this.reader.corruptBytes = rec.corruptBytes;
    this.diskWarning = new EpisodeWarning(opts.logger, 'spool: cannot write to disk; holding segments in memory only until it works again');
    this.fullWarning = new EpisodeWarning(opts.logger, 'spool full: oldest undelivered segments deleted (raise Spool.MaxMB / --spool-mb)');
    this.timer = setInterval(() => this.flush(), SPOOL_FLUSH_MS);
    this.timer.unref();
  }

  /** Opens (or creates) the directory, takes its lock and recovers what an earlier run left. Throws naming the key. */
  static open(opts: SpoolOptions): SpooledBuffer {
    const lock = openSpoolDirectory(opts.dir);
    const disk = new SpoolDisk(opts.dir, opts.maxBytes, lock.recovered.files, opts.now ?? Date.now);
    const spool = new SpooledBuffer(opts, disk, lock);
    const { unsettled, corruptBytes } = lock.recovered;
    if (unsettled > 0) opts.counters.replayed(unsettled);
    if (unsettled > 0 || corruptBytes > 0) {
      opts.logger.info({ segments: unsettled, bytes: disk.bytes, corruptBytesSkipped: corruptBytes, directory: opts.dir }, 'spool: replaying segments left by an earlier run');
    }
    return spool;
  }

  get limitBytes(): number {
    return this.opts.memoryLimitBytes;
  }
  get usedBytes(): number {
    return this.cacheBytes + this.heldBytes + this.inFlightBytes;
  }
  get queuedDocuments(): number {
    return this.diskUnread + this.cache.length;
  }
  get oldestQueuedAt(): number | undefined {
    if (this.diskUnread > 0) return this.replayPaused ? undefined : 0; // spooled backlog: send at once (a finished attempt wakes the dispatcher)
    return this.cache.peek()?.at;
  }
  /** Replay is paced: at most REPLAY_IN_FLIGHT batches read back from disk are out at a time. */
  private get replayPaused(): boolean {
    return this.replayInFlight >= REPLAY_IN_FLIGHT;
  }
  get nextRetryAt(): number | undefined {
    return this.held.peek()?.notBefore;
  }
  get isEmpty(): boolean {
    return this.queuedDocuments === 0 && this.held.length === 0;
  }
  private get writable(): boolean {
    return this.failures === 0 || this.now() >= this.retryAt;
  }

  push(text: string, byteLength: number): void {
    const e: Entry = { seq: this.nextSeq++, text, bytes: byteLength + DOC_OVERHEAD_BYTES, at: this.now(), onDisk: false, settled: false };
    if (this.writable) {
      this.unwritten.push(e);
      this.unwrittenBytes += e.bytes;
      if (this.unwrittenBytes >= FLUSH_BYTES) this.flush();
    }
    while (this.usedBytes + e.bytes > this.limitBytes && this.cache.length > 0) this.evictFront();
    if (this.usedBytes + e.bytes <= this.limitBytes) {
      this.cache.push(e);
      this.cacheBytes += e.bytes;
      return;
    }
    // batches in flight and held fill memory: this document can only wait on disk
    if (this.awaitsWrite(e)) this.flush();
    if (e.onDisk && this.cache.length === 0) {
      this.diskUnread++;
      this.opts.recorder.spooled(text, 'memory budget full: kept on disk');
    } else this.drop(e, this.failures > 0 ? 'spool-unwritable' : 'buffer-full');
  }

  takeBatch(max: number): Batch | undefined {
    if (this.diskUnread > 0 && this.replayPaused) return undefined;
    const documents: string[] = [];
    const entries: Entry[] = [];
    let bytes = 0;
    while (documents.length < max) {
      let e: Entry | undefined;
      if (this.diskUnread > 0) {
        const d = this.reader.next(this.readSeq, this.cache.peek()?.seq ?? Infinity);
        if (!d) {
          this.lostOnDisk();
          continue;
        }
        this.diskUnread--;
        e = { seq: d.seq, text: d.text, bytes: Buffer.byteLength(d.text) + DOC_OVERHEAD_BYTES, at: 0, onDisk: true, settled: false };
        if (d.seq < this.firstSeqThisRun) this.opts.recorder.spooled(d.text, 'recovered from the spool after a restart');
      } else {
        e = this.cache.shift();
        if (!e) break;
        this.cacheBytes -= e.bytes;
      }
      this.readSeq = e.seq + 1;
      documents.push(e.text);
      entries.push(e);
      bytes += e.bytes;
    }
    if (documents.length === 0) return undefined;
    const batch: Batch = { documents, bytes, attempts: 0, notBefore: 0, tag: entries };
    if (entries[0].at === 0) this.replayInFlight++;
    this.inFlightBytes += bytes;
    this.inFlight.add(batch);
    return batch;
  }

  takeDueRetry(): Batch | undefined {
    const next = this.held.peek();
    if (!next || next.notBefore > this.now()) return undefined;
    this.held.shift();
    this.heldBytes -= next.bytes;
    this.inFlightBytes += next.bytes;
    this.inFlight.add(next);
    if ((next.tag as Entry[])[0].at === 0) this.replayInFlight++;
    return next;
  }

  release(batch: Batch): void {
    this.inFlightBytes -= batch.bytes;
    this.inFlight.delete(batch);
    if ((batch.tag as Entry[])[0].at === 0) this.replayInFlight--;
    const written: number[] = [];
    for (const e of batch.tag as Entry[]) {
      if (!e.onDisk) {
        e.settled = true; // never needs writing
        continue;
      }
      const file = this.disk.fileFor(e.seq);
      if (file) file.settled++;
      written.push(e.seq);
    }
    if (this.writable) for (const [from, count] of runsOf(written)) this.acks.push(encodeAck(from, count));
  }

  hold(batch: Batch): void {
    this.inFlightBytes -= batch.bytes;
    this.inFlight.delete(batch);
    if ((batch.tag as Entry[])[0].at === 0) this.replayInFlight--;
    this.heldBytes += batch.bytes;
    this.held.unshift(batch);
  }

  /** Shutdown deadline: everything held stays in the spool for the next start (written now). */
  drainAll(): number {
    this.flush();
    return 0;
  }

  /**
   * Stops the spool: writes what is pending and releases the directory. Returns the documents kept
   * for the next start and those lost because they could not be written (disk failing).
   */
  close(): { kept: number; lost: number } {
    this.flush();
    clearInterval(this.timer);
    const waiting: Entry[] = [];
    for (let e = this.cache.shift(); e; e = this.cache.shift()) waiting.push(e);
    for (let b = this.held.shift(); b; b = this.held.shift()) waiting.push(...(b.tag as Entry[]));
    for (const b of this.inFlight) waiting.push(...(b.tag as Entry[]));
    let lost = 0;
    for (const e of waiting) {
      if (e.onDisk && this.disk.fileFor(e.seq)) this.opts.recorder.spooled(e.text, 'daemon stopped: kept in the spool for the next start');
      else lost++;
    }
    this.disk.closeCurrent();
    this.lock.release();
    return { kept: waiting.length - lost + this.diskUnread, lost };
  }

  stats(): SpoolStats {
    const files = this.disk.files;
    return {
      directory: this.opts.dir,
      bytes: this.disk.bytes,
      limitBytes: this.disk.maxBytes,
      segments: files.reduce((n, f) => n + f.docs - f.settled, 0),
      files: files.length,
      oldestAgeSeconds: files.length ? Math.max(0, (this.now() - files[0].startedAt) / 1000) : 0,
      writable: this.failures === 0,
      corruptBytes: this.reader.corruptBytes,
    };
  }

  /** Writes what waits (documents not yet delivered, acknowledgements) in one append. */
  flush(): void {
    const docs = this.unwritten.filter((e) => !e.settled);
    const acks = this.acks;
    // after a failure, probe the disk when the retry time comes even if nothing waits to be written
    if (this.failures > 0 && this.writable && acks.length === 0) acks.push(encodeAck(0, 0));
    this.unwritten = [];
    this.unwrittenBytes = 0;
    this.acks = [];
    if (docs.length > 0 || acks.length > 0) {
      if (!this.writable) return;
      const parts = docs.map((e) => encodeDoc(e.seq, e.text));
      parts.push(...acks);
      const data = Buffer.concat(parts);
      this.makeRoom(data.length);
      try {
        this.disk.append(data, docs.map((e) => e.seq));
        for (const e of docs) e.onDisk = true;
        if (this.failures > 0) {
          this.opts.logger.info({ directory: this.opts.dir }, 'spool: disk writable again');
          this.diskWarning.flush();
          this.opts.health.recover();
        }
        this.failures = 0;
      } catch (err) {
        this.failures++;
        this.retryAt = this.now() + Math.min(30_000, 1000 * 2 ** Math.min(this.failures - 1, 5));
        const reason = `${(err as NodeJS.ErrnoException).code ?? 'error'}: ${(err as Error).message}`;
        this.opts.health.fail(`spool write failed (${reason}); segments held in memory only`);
        this.diskWarning.add(docs.length, { reason, directory: this.opts.dir, retryInMs: this.retryAt - this.now() });
      }
    }
    this.disk.deleteSettled();
  }

  /** Deletes the oldest files until `incoming` bytes fit under the limit; their undelivered documents are dropped. */
  private makeRoom(incoming: number): void {
    while (this.disk.bytes + incoming > this.disk.maxBytes && this.disk.files.length > 0) {
      const file = this.disk.files[0];
      const before = this.cache.peek()?.seq ?? Infinity;
      const victims: string[] = [];
      this.reader.reset();
      try {
        readRecords(file, 0, (r) => {
          if (r.type === DOC && r.seq >= this.readSeq && r.seq < before && !this.acked.has(r.seq)) victims.push(r.text);
        });
      } catch {
        // unreadable: its documents are counted by lostOnDisk() when the reader comes up short
      }
      this.disk.deleteFront();
      for (const v of victims) this.opts.recorder.dropped(v, 'spool-full');
      if (victims.length > 0) {
        this.diskUnread -= victims.length;
        this.opts.counters.spillover(victims.length, 'spool-full');
        this.fullWarning.add(victims.length, { limitBytes: this.disk.maxBytes, directory: this.opts.dir });
      }
      if (file.lastSeq >= this.readSeq) this.readSeq = file.lastSeq + 1;
    }
  }

  private evictFront(): void {
    const e = this.cache.shift()!;
    this.cacheBytes -= e.bytes;
    if (this.awaitsWrite(e)) this.flush();
    if (e.onDisk && this.disk.fileFor(e.seq)) {
      this.diskUnread++;
      this.opts.recorder.spooled(e.text, 'memory budget full: kept on disk');
    } else this.drop(e, e.onDisk ? 'spool-full' : 'spool-unwritable');
  }

  /** In the list for the next write (everything pushed since the first entry of that list is). */
  private awaitsWrite(e: Entry): boolean {
    return !e.onDisk && this.unwritten.length > 0 && e.seq >= this.unwritten[0].seq;
  }

  private drop(e: Entry, reason: DropReason): void {
    e.settled = true;
    this.opts.counters.spillover(1, reason);
    this.opts.recorder.dropped(e.text, reason);
  }

  /** The reader found fewer documents than expected (corrupted after being written): count them lost. */
  private lostOnDisk(): void {
    this.opts.counters.spillover(this.diskUnread, 'spool-full');
    this.opts.logger.error({ segments: this.diskUnread, directory: this.opts.dir }, 'spool: documents could not be read back (file damaged or removed); counted as dropped');
    this.diskUnread = 0;
  }
}
