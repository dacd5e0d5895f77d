import { Deque } from './deque.js';
import type { BatchSource } from './batch-source.js';
import type { SegmentDocument } from './segment-sink.js';

/** Milliseconds on a clock that never steps (NTP, an admin's `date -s`): every relay timer runs on it. */
export const monotonicNow = (): number => performance.now();

/**
 * Bytes charged per held document on top of its text: the Buffer and queue entry that hold it and
 * its allocation's overhead. Measured: a held 670-byte datagram body costs ~850 bytes of RSS, so
 * `-m` bounds real memory, not only payload.
 */
export const DOC_OVERHEAD_BYTES = 192;

export interface Batch {
  documents: SegmentDocument[];
  /** Order of taking: batches held for retry go back in this order (oldest first). */
  seq: number;
  /** Bytes charged to the buffer budget for this batch. */
  bytes: number;
  /** Attempts made so far. */
  attempts: number;
  /** When the first attempt started (the buffer's clock, ms); the retry window counts from here. */
  firstAttemptAt?: number;
  /** A held batch is not retried before this time (the buffer's clock, ms). */
  notBefore: number;
  /** The source's own bookkeeping for this batch (the spool keeps the documents' sequence numbers here). */
  tag?: unknown;
}

interface QueuedDoc {
  doc: SegmentDocument;
  bytes: number;
  enqueuedAt: number;
}

/**
 * Everything the daemon owns and has not delivered, under one byte budget: new documents waiting
 * to be batched, batches in flight, and failed batches held for retry. When a new document does not
 * fit, the OLDEST held data is dropped first (held batches are always older than queued documents),
 * and `onSpill` is told how many documents went. In-flight batches cannot be dropped (their bytes
 * are on the wire) but they do count against the budget.
 */
export class SegmentBuffer implements BatchSource {
  private readonly queue = new Deque<QueuedDoc>();
  /** Sorted by `seq` (few: at most budget / batch size), so batches that failed together retry oldest first. */
  private readonly held: Batch[] = [];
  private nextSeq = 0;
  private queuedBytes = 0;
  private heldBytes = 0;
  private inFlightBytes = 0;

  constructor(
    readonly limitBytes: number,
    private readonly onSpill: (documents: number) => void,
    /** The clock for arrival and retry times: monotonic unless a test injects one. */
    readonly now: () => number = monotonicNow,
    /** Each dropped document, for the trace ledger (not called when absent). */
    private readonly onDrop?: (doc: SegmentDocument) => void,
  ) {}

  get usedBytes(): number {
    return this.queuedBytes + this.heldBytes + this.inFlightBytes;
  }
  get queuedDocuments(): number {
    return this.queue.length;
  }
  get heldBatches(): number {
    return this.held.length;
  }
  /** Nothing waiting and nothing held (in-flight batches aside). */
  get isEmpty(): boolean {
    return this.queue.length === 0 && this.held.length === 0;
  }
  /** When the oldest queued document arrived, if any. */
  get oldestQueuedAt(): number | undefined {
    return this.queue.peek()?.enqueuedAt;
  }
  /** When the next held batch may be retried, if any. */
  get nextRetryAt(): number | undefined {
    return this.held[0]?.notBefore;
  }

  /** Adds one document (its UTF-8 size in `byteLength`), making room by dropping the oldest data. */
  push(doc: SegmentDocument, byteLength: number): void {
    const bytes = byteLength + DOC_OVERHEAD_BYTES;
    if (bytes > this.limitBytes) {
      this.onDrop?.(doc);
      this.onSpill(1);
      return;
    }
    let dropped = 0;
    while (this.usedBytes + bytes > this.limitBytes && !this.isEmpty) dropped += this.dropOldest();
    if (this.usedBytes + bytes > this.limitBytes) {
      // only in-flight batches remain and they fill the budget: the newest document is the one that can't be held
      this.onDrop?.(doc);
      this.onSpill(dropped + 1);
      return;
    }
    if (dropped) this.onSpill(dropped);
    this.queue.push({ doc, bytes, enqueuedAt: this.now() });
    this.queuedBytes += bytes;
  }

  /** Takes up to `max` queued documents as a new batch (now in flight). */
  takeBatch(max: number): Batch | undefined {
    if (this.queue.length === 0) return undefined;
    const documents: SegmentDocument[] = [];
    let bytes = 0;
    while (documents.length < max && this.queue.length > 0) {
      const queued = this.queue.shift()!;
      documents.push(queued.doc);
      bytes += queued.bytes;
    }
    this.queuedBytes -= bytes;
    this.inFlightBytes += bytes;
    return { documents, seq: this.nextSeq++, bytes, attempts: 0, notBefore: 0 };
  }

  /** Takes the oldest held batch if its retry time has come (now in flight again). */
  takeDueRetry(): Batch | undefined {
    const next = this.held[0];
    if (!next || next.notBefore > this.now()) return undefined;
    this.held.shift();
    this.heldBytes -= next.bytes;
    this.inFlightBytes += next.bytes;
    return next;
  }

  /** An in-flight batch is done (delivered or given up): its bytes are free. */
  release(batch: Batch): void {
    this.inFlightBytes -= batch.bytes;
  }

  /** An in-flight batch failed and will be retried at `batch.notBefore`. */
  hold(batch: Batch): void {
    this.inFlightBytes -= batch.bytes;
    this.heldBytes += batch.bytes;
    // retry order is age order, whatever order the attempts of batches that failed together ended in
    let i = this.held.length;
    while (i > 0 && this.held[i - 1].seq > batch.seq) i--;
    this.held.splice(i, 0, batch);
  }

  /** Empties the buffer (shutdown deadline); returns how many documents were discarded. */
  drainAll(): number {
    let n = 0;
    while (!this.isEmpty) n += this.dropOldest();
    return n;
  }

  private dropOldest(): number {
    const batch = this.held.shift();
    if (batch) {
      this.heldBytes -= batch.bytes;
      if (this.onDrop) for (const d of batch.documents) this.onDrop(d);
      return batch.documents.length;
    }
    const doc = this.queue.shift()!;
    this.queuedBytes -= doc.bytes;
    this.onDrop?.(doc.doc);
    return 1;
  }
}
