/**
 * A point-in-time view of the store's live documents, for compaction, taken in O(1)-ish time:
 * the trace ids in arrival order are copied (one array copy) and the documents are read lazily.
 * Traces the store changes or evicts while the snapshot is open are frozen first (copy on write:
 * the store calls `beforeChange`), so iterating it later, across many event-loop turns, still
 * yields exactly the documents live when it was taken. Traces created after it are not in it.
 *
 * Release it when done (compaction does, success or not): until then the store keeps the frozen
 * document lists (at most one list per trace live at the start).
 */
import type { SegmentDocument } from '../trace-view.js';
import { stringifyDeep } from '../reads/stringify-deep.js';
import type { TraceEntry } from './trace-entry.js';

export interface LiveRecords extends Iterable<string> {
  /** Stops tracking changes and drops what was frozen; idempotent. */
  release(): void;
}

export class LiveSnapshot implements LiveRecords {
  private readonly frozen = new Map<string, readonly SegmentDocument[]>();
  private released = false;

  /**
   * `ids`: the live trace ids, oldest first; `seq`: entries with a lower sequence number existed
   * when it was taken.
   */
  constructor(
    private readonly ids: readonly string[],
    private readonly seq: number,
    private readonly lookup: (traceId: string) => TraceEntry | undefined,
    private readonly onRelease: () => void,
  ) {}

  /** The store is about to change or evict `entry`. */
  beforeChange(entry: TraceEntry): void {
    if (entry.seq < this.seq && !this.frozen.has(entry.id)) this.frozen.set(entry.id, entry.toView().segments);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const id of this.ids) {
      // no longer consistent: fail rather than let a partial copy replace the log
      if (this.released) throw new Error('live snapshot read after release');
      const frozen = this.frozen.get(id);
      if (frozen) {
        for (const doc of frozen) yield stringifyDeep(doc);
        continue;
      }
      // the entry's own map, not toView(): that would build and keep a view per trace (200k
      // arrays at 1M documents) that nothing reads afterwards
      const entry = this.lookup(id);
      if (entry) for (const s of entry.segments.values()) yield stringifyDeep(s.doc);
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.frozen.clear();
    this.onRelease();
  }
}
