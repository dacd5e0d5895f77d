import type { ComponentHealth } from '../health/component-health.js';
import type { Logger } from '../log/logger.js';
import { EpisodeWarning } from '../log/episode-warning.js';
import { encodeAck, encodeDoc } from './spool-record.js';
import { runsOf } from './seq-ranges.js';
import type { SpoolDisk } from './spool-disk.js';
import type { SegmentDocument } from '../pipeline/segment-sink.js';

/** ...as soon as this many bytes wait to be written (else at the next periodic flush). */
const FLUSH_BYTES = 256 * 1024;

/** A document the spool holds, in memory and/or on disk. */
export interface SpoolEntry {
  seq: number;
  /** The document: the datagram's bytes, or text read back from disk. */
  text: SegmentDocument;
  bytes: number;
  /** Arrival (epoch ms); 0 for documents read back from disk. */
  at: number;
  onDisk: boolean;
  /** Delivered or refused before it was written: never written at all. */
  settled: boolean;
}

/**
 * The spool's write path: documents and acknowledgements wait here and go to disk in one append per
 * flush. A failed write (disk full, EIO, a file size limit) opens a problem in /healthz, logs once per
 * episode and pauses writing with backoff (1 s doubling to 30 s); the next write, or an empty probe
 * when nothing waits, closes the problem when it works.
 */
export class SpoolWriter {
  private pending: SpoolEntry[] = [];
  private pendingBytes = 0;
  private acks: Buffer[] = [];
  private failures = 0;
  private retryAt = 0;
  private readonly warning: EpisodeWarning;

  constructor(
    private readonly disk: SpoolDisk,
    private readonly health: ComponentHealth,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.warning = new EpisodeWarning(logger, 'spool: cannot write to disk; holding segments in memory only until it works again');
  }

  /** Not paused by a recent failure. */
  get writable(): boolean {
    return this.failures === 0 || this.now() >= this.retryAt;
  }
  get failing(): boolean {
    return this.failures > 0;
  }

  /** Queues a new document for the next write (skipped while paused: it then lives in memory only). */
  add(e: SpoolEntry, makeRoom: (incoming: number) => void): void {
    if (!this.writable) return;
    this.pending.push(e);
    this.pendingBytes += e.bytes;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush(makeRoom);
  }

  /** True when `e` waits for the next write (everything added since the first pending entry does). */
  awaits(e: SpoolEntry): boolean {
    return !e.onDisk && this.pending.length > 0 && e.seq >= this.pending[0].seq;
  }

  /** Acknowledges delivered documents that are on disk. */
  ack(seqs: number[]): void {
    if (this.writable) for (const [from, count] of runsOf(seqs)) this.acks.push(encodeAck(from, count));
  }

  /** Writes what waits in one append; `makeRoom` first frees space under the spool's limit. */
  flush(makeRoom: (incoming: number) => void): void {
    const docs = this.pending.filter((e) => !e.settled);
    const acks = this.acks;
    // after a failure, probe the disk when the retry time comes even if nothing waits to be written
    if (this.failures > 0 && this.writable && acks.length === 0) acks.push(encodeAck(0, 0));
    this.pending = [];
    this.pendingBytes = 0;
    this.acks = [];
    if ((docs.length === 0 && acks.length === 0) || !this.writable) return;
    const data = Buffer.concat([...docs.map((e) => encodeDoc(e.seq, e.text)), ...acks]);
    makeRoom(data.length);
    try {
      this.disk.append(data, docs.map((e) => e.seq));
      for (const e of docs) e.onDisk = true;
      if (this.failures > 0) {
        this.logger.info({ directory: this.disk.dir }, 'spool: disk writable again');
        this.warning.flush();
        this.health.recover();
      }
      this.failures = 0;
    } catch (err) {
      this.failures++;
      this.retryAt = this.now() + Math.min(30_000, 1000 * 2 ** Math.min(this.failures - 1, 5));
      const reason = `${(err as NodeJS.ErrnoException).code ?? 'error'}: ${(err as Error).message}`;
      this.health.fail(`spool write failed (${reason}); segments held in memory only`);
      this.warning.add(docs.length, { reason, directory: this.disk.dir, retryInMs: this.retryAt - this.now() });
    }
  }
}
