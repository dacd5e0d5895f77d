import type { Batch } from '../pipeline/segment-buffer.js';
import type { BatchSource } from '../pipeline/batch-source.js';
import type { SegmentDocument } from '../pipeline/segment-sink.js';
import { DOC_OVERHEAD_BYTES } from '../pipeline/segment-buffer.js';
import { Deque } from '../pipeline/deque.js';
import type { DropReason } from '../telemetry/counters.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import { runsOf, type SeqRanges } from './seq-ranges.js';
import { undeliveredDocs } from './spool-files.js';
import { SpoolWriter, type SpoolEntry as Entry } from './spool-writer.js';
import { BatchesOut } from './batches-out.js';
import { SpoolDisk } from './spool-disk.js';
import { SpoolReader } from './spool-reader.js';
import { openSpoolDirectory, type SpoolLock } from './spool-directory.js';
import type { SpoolOptions, SpoolStats } from './spool-options.js';

export type { SpoolOptions, SpoolStats };

/** Documents not delivered within this long are written to disk (the kill -9 guarantee is "older than 1 s"). */
export const SPOOL_FLUSH_MS = 100;
/** Batches read back from disk in flight at once: replay keeps memory near idle and leaves room for live traffic. */
const REPLAY_IN_FLIGHT = 2;

/**
 * The segment buffer with a disk spool behind it (a `BatchSource`, like `SegmentBuffer`): documents
 * wait in memory; whatever is not delivered within `SPOOL_FLUSH_MS` is appended to checksummed files in
 * the spool directory, so a crash, a restart or an outage longer than memory loses nothing received
 * more than a second before. When memory is full, the oldest waiting documents stay on disk only and
 * are read back (oldest first) as the dispatcher asks for batches; files are deleted once every
 * document in them is delivered, so the directory shrinks back. Replay is paced: at most
 * REPLAY_IN_FLIGHT batches read back from disk are out at once, and the other upload slots carry
 * live traffic meanwhile, so after a long outage new segments are not held behind the whole backlog. Past `maxBytes`, the oldest file is
 * deleted and its undelivered documents counted as dropped (`spool-full`). A disk error makes the spool
 * fall back to memory (reported in /healthz), and writing is tried again with backoff until it works.
 */
export class SpooledBuffer implements BatchSource {
  private readonly cache = new Deque<Entry>();
  private readonly out = new BatchesOut();
  private readonly writer: SpoolWriter;
  private cacheBytes = 0;
  private diskUnread: number;
  /** Next sequence number the disk reader looks at; only disk reads move it. */
  private readSeq: number;
  /**
   * Documents waiting on disk only have sequence numbers below this; the memory cache holds only
   * later ones (it loses documents at its front, and this moves past each one it loses to disk).
   */
  private diskEnd: number;
  private nextSeq: number;
  private readonly firstSeqThisRun: number;
  private readonly reader: SpoolReader;
  /** Sequence numbers the reader skips: acknowledged by an earlier run, or taken from memory during a replay. */
  private readonly acked: SeqRanges;
  private readonly timer: NodeJS.Timeout;
  readonly now: () => number;
  private batchSeq = 0;
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
    this.nextSeq = this.firstSeqThisRun = this.diskEnd = rec.nextSeq;
    this.acked = rec.acked;
    this.reader = new SpoolReader(disk, rec.acked);
    this.reader.corruptBytes = rec.corruptBytes;
    this.writer = new SpoolWriter(disk, opts.health, opts.logger, this.now);
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
    return this.cacheBytes + this.out.bytes;
  }
  /** What a batch can be taken from now: the disk backlog and memory, or only memory while replay is paused. */
  get queuedDocuments(): number {
    return this.replaying ? this.diskUnread + this.cache.length : this.cache.length;
  }
  get oldestQueuedAt(): number | undefined {
    if (this.replaying) return 0; // spooled backlog: send at once (a finished attempt wakes the dispatcher)
    return this.cache.peek()?.at; // live documents go by the usual batch size and flush interval
  }
  /** The next batch comes from the disk backlog. */
  private get replaying(): boolean {
    return this.diskUnread > 0 && !this.replayPaused;
  }
  /** Replay is paced: at most REPLAY_IN_FLIGHT batches read back from disk are out at a time. */
  private get replayPaused(): boolean {
    return this.out.replaying >= REPLAY_IN_FLIGHT;
  }
  get nextRetryAt(): number | undefined {
    return this.out.nextRetryAt;
  }
  get isEmpty(): boolean {
    return this.diskUnread === 0 && this.cache.length === 0 && this.out.heldCount === 0;
  }

  push(text: SegmentDocument, byteLength: number): void {
    const e: Entry = { seq: this.nextSeq++, text, bytes: byteLength + DOC_OVERHEAD_BYTES, at: this.now(), onDisk: false, settled: false };
    this.writer.add(e, this.makeRoom);
    while (this.usedBytes + e.bytes > this.limitBytes && this.cache.length > 0) this.evictFront();
    if (this.usedBytes + e.bytes <= this.limitBytes) {
      this.cache.push(e);
      this.cacheBytes += e.bytes;
      return;
    }
    // batches in flight and held fill memory: this document can only wait on disk
    if (this.writer.awaits(e)) this.flush();
    if (e.onDisk && this.cache.length === 0) {
      this.keptOnDisk(e);
    } else this.drop(e, this.writer.failing ? 'spool-unwritable' : 'buffer-full');
  }

  /**
   * A batch of the oldest documents on disk while replay has room, else of the oldest in memory.
   * A batch never mixes the two: replay batches are counted apart, to pace them.
   */
  takeBatch(max: number): Batch | undefined {
    const fromDisk = this.replaying;
    const documents: SegmentDocument[] = [];
    const entries: Entry[] = [];
    let bytes = 0;
    while (documents.length < max) {
      let e: Entry | undefined;
      if (fromDisk) {
        if (this.diskUnread === 0) break;
        const d = this.reader.next(this.readSeq, this.diskEnd);
        if (!d) {
          this.lostOnDisk();
          break;
        }
        this.diskUnread--;
        this.readSeq = d.seq + 1;
        e = { seq: d.seq, text: d.text, bytes: Buffer.byteLength(d.text) + DOC_OVERHEAD_BYTES, at: 0, onDisk: true, settled: false };
        if (d.seq < this.firstSeqThisRun) this.opts.recorder.spooled(d.text, 'recovered from the spool after a restart');
      } else {
        e = this.cache.shift();
        if (!e) break;
        this.cacheBytes -= e.bytes;
        if (this.diskUnread === 0) this.readSeq = Math.max(this.readSeq, e.seq + 1);
      }
      documents.push(e.text);
      entries.push(e);
      bytes += e.bytes;
    }
    if (documents.length === 0) return undefined;
    if (fromDisk) this.acked.dropBelow(this.readSeq);
    else if (this.diskUnread > 0) {
      // taken from memory while older documents wait on disk: the reader must skip these when it
      // gets there (they may be on disk too), so they join the set it skips, as acknowledged ones do
      for (const [first, count] of runsOf(entries.map((x) => x.seq))) this.acked.add(first, count);
    }
    return this.out.send({ documents, seq: this.batchSeq++, bytes, attempts: 0, notBefore: 0, tag: entries });
  }

  takeDueRetry(): Batch | undefined {
    return this.out.takeDueRetry(this.now());
  }

  release(batch: Batch): void {
    const written: number[] = [];
    for (const e of this.out.settle(batch)) {
      if (!e.onDisk) {
        e.settled = true; // never needs writing
        continue;
      }
      const file = this.disk.fileFor(e.seq);
      if (file) file.settled++;
      written.push(e.seq);
    }
    this.writer.ack(written);
  }

  hold(batch: Batch): void {
    this.out.hold(batch);
  }

  /** Shutdown deadline: everything held stays in the spool for the next start (written now). */
  drainAll(): number {
    this.flush();
    return 0;
  }

  /**
   * Stops the spool: writes what is pending and releases the directory. Logs the documents kept for
   * the next start, and counts (spillover, `shutdown`) and logs those lost because they could not be
   * written (disk failing); returns both.
   */
  close(): { kept: number; lost: number } {
    this.flush();
    clearInterval(this.timer);
    const waiting: Entry[] = [];
    for (let e = this.cache.shift(); e; e = this.cache.shift()) waiting.push(e);
    waiting.push(...this.out.takeAll());
    let lost = 0;
    for (const e of waiting) {
      if (e.onDisk && this.disk.fileFor(e.seq)) this.opts.recorder.spooled(e.text, 'daemon stopped: kept in the spool for the next start');
      else lost++;
    }
    this.disk.closeCurrent();
    this.lock.release();
    const kept = waiting.length - lost + this.diskUnread;
    if (lost > 0) {
      this.opts.counters.spillover(lost, 'shutdown');
      this.opts.logger.error({ lost }, 'shutdown: segments the disk would not take were dropped');
    }
    if (kept > 0) this.opts.logger.info({ kept, directory: this.opts.dir }, 'shutdown: undelivered segments kept in the spool for the next start');
    return { kept, lost };
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
      writable: !this.writer.failing,
      corruptBytes: this.reader.corruptBytes,
    };
  }

  /** Writes what waits (documents not yet delivered, acknowledgements), then deletes settled files. */
  flush(): void {
    this.writer.flush(this.makeRoom);
    this.disk.deleteSettled();
  }

  /** Deletes the oldest files until `incoming` bytes fit under the limit; their undelivered documents are dropped. */
  private readonly makeRoom = (incoming: number): void => {
    while (this.disk.bytes + incoming > this.disk.maxBytes && this.disk.files.length > 0) {
      const file = this.disk.files[0];
      const victims = undeliveredDocs(file, this.readSeq, this.diskEnd, this.acked);
      this.reader.reset();
      this.disk.deleteFront();
      for (const v of victims) this.opts.recorder.dropped(v, 'spool-full');
      if (victims.length > 0) {
        this.diskUnread -= victims.length;
        this.opts.counters.spillover(victims.length, 'spool-full');
        this.fullWarning.add(victims.length, { limitBytes: this.disk.maxBytes, directory: this.opts.dir });
      }
      if (file.lastSeq >= this.readSeq) this.readSeq = file.lastSeq + 1;
    }
  };

  private evictFront(): void {
    const e = this.cache.shift()!;
    this.cacheBytes -= e.bytes;
    if (this.writer.awaits(e)) this.flush();
    if (e.onDisk && this.disk.fileFor(e.seq)) this.keptOnDisk(e);
    else this.drop(e, e.onDisk ? 'spool-full' : 'spool-unwritable');
  }

  /** `e`, the oldest in memory, is left waiting on disk only. */
  private keptOnDisk(e: Entry): void {
    this.diskUnread++;
    this.diskEnd = e.seq + 1;
    this.opts.recorder.spooled(e.text, 'memory budget full: kept on disk');
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
