import type { Batch } from '../pipeline/segment-buffer.js';
import { Deque } from '../pipeline/deque.js';
import type { SpoolEntry } from './spool-writer.js';

const entriesOf = (b: Batch) => b.tag as SpoolEntry[];
/** A batch whose documents were read back from disk (replay), by its first entry. */
const isReplay = (b: Batch) => entriesOf(b)[0].at === 0;

/**
 * The spool's batches out of its queue: in flight, or held for a retry at `notBefore` (oldest first).
 * Their bytes count against the memory budget; replay batches are counted so replay can be paced.
 */
export class BatchesOut {
  private readonly held = new Deque<Batch>();
  private readonly inFlight = new Set<Batch>();
  private heldBytes = 0;
  private inFlightBytes = 0;
  /** Replay batches in flight now. */
  replaying = 0;

  get bytes(): number {
    return this.heldBytes + this.inFlightBytes;
  }
  get heldCount(): number {
    return this.held.length;
  }
  get nextRetryAt(): number | undefined {
    return this.held.peek()?.notBefore;
  }

  /** A new batch goes on the wire. */
  send(batch: Batch): Batch {
    this.inFlightBytes += batch.bytes;
    this.inFlight.add(batch);
    if (isReplay(batch)) this.replaying++;
    return batch;
  }

  /** The oldest held batch, if its retry time has come (now in flight again). */
  takeDueRetry(now: number): Batch | undefined {
    const next = this.held.peek();
    if (!next || next.notBefore > now) return undefined;
    this.held.shift();
    this.heldBytes -= next.bytes;
    return this.send(next);
  }

  /** A batch in flight is settled; returns its entries. */
  settle(batch: Batch): SpoolEntry[] {
    this.land(batch);
    return entriesOf(batch);
  }

  /** A batch in flight failed and waits for its retry (ahead of newer ones). */
  hold(batch: Batch): void {
    this.land(batch);
    this.heldBytes += batch.bytes;
    this.held.unshift(batch);
  }

  /** Every entry held or in flight, removing the held ones (shutdown). */
  takeAll(): SpoolEntry[] {
    const out: SpoolEntry[] = [];
    for (let b = this.held.shift(); b; b = this.held.shift()) out.push(...entriesOf(b));
    this.heldBytes = 0;
    for (const b of this.inFlight) out.push(...entriesOf(b));
    return out;
  }

  private land(batch: Batch): void {
    this.inFlightBytes -= batch.bytes;
    this.inFlight.delete(batch);
    if (isReplay(batch)) this.replaying--;
  }
}
