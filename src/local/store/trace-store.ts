/**
 * The local backend's bounded, indexed trace store.
 *
 * Limits: at most `maxSegments` documents and `maxBytes` of estimated memory. Past either, whole
 * traces are evicted, oldest first, where a trace's age is when its first document was stored
 * (documents of any age are accepted, so an old trace id arriving now is "new"). A trace that alone
 * exceeds a limit is evicted too: memory stays bounded whatever arrives. Evictions are counted.
 * The memory estimate is 1.5x the documents' JSON text plus 500 bytes per document (measured
 * heap use of parsed documents, index entries included, from 300-byte to 8 KB documents).
 *
 * Indexes: by trace id (a Map; a FIFO of ids gives the eviction order), by trace-id time and by
 * event time (sorted, for newest-first range walks), and by segment name (service).
 */
import type { SegmentDocument, TraceView } from '../trace-view.js';
import type { RangeQuery, StoreInput, StoreJournal, StoreStats, TraceObserver, TraceStoreOptions } from './store-types.js';
import { Deque } from '../../pipeline/deque.js';
import { LiveSnapshot } from './live-snapshot.js';
import { TimeIndex } from './time-index.js';
import { TraceEntry } from './trace-entry.js';

/** Heap estimate of stored documents: text bytes x TEXT_FACTOR + PER_DOCUMENT_BYTES each. */
const TEXT_FACTOR = 1.5;
const PER_DOCUMENT_BYTES = 500;

/** Traces spanning more than this (seconds) are indexed aside for event-time queries. */
const LONG_SPAN_S = 3600;

export type { RangeQuery, StoreInput, StoreJournal, StoreStats, TimeRangeType, TraceObserver, TraceStoreOptions } from './store-types.js';

export class TraceStore {
  private readonly traces = new Map<string, TraceEntry>();
  /**
   * Trace ids in first-stored order (the eviction order). Not the Map's own order: finding the
   * first key of a Map that has seen many deletions walks every deleted slot in V8.
   */
  private readonly arrival = new Deque<string>();
  private readonly byEpoch = new TimeIndex();
  private readonly byStart = new TimeIndex();
  private readonly byService = new Map<string, Set<string>>();
  private segmentCount = 0;
  private byteCount = 0;
  private evictedTraces = 0;
  private evictedSegments = 0;
  private observerFailures = 0;
  /**
   * Longest span (last end - first start) of a trace seen, up to LONG_SPAN_S: bounds how far back
   * an event-time overlap walk must look. Longer traces are kept aside in `longTraces`, so one
   * hours-long (or bogus) trace cannot make every query walk the whole index.
   */
  private maxSpan = 0;
  private readonly longTraces = new Set<string>();
  private journal: StoreJournal | undefined;
  private readonly observers: TraceObserver[] = [];
  /** During a batch with observers: each touched trace's view before the batch. */
  private touched: Map<string, TraceView | undefined> | undefined;
  /** Entries created so far (their `seq`). */
  private created = 0;
  /** Open compaction snapshots (usually none or one), told of every change to an existing trace. */
  private readonly snapshots = new Set<LiveSnapshot>();

  constructor(private readonly options: TraceStoreOptions) {
    if (!(options.maxSegments >= 1) || !(options.maxBytes >= 1)) throw new RangeError('store limits must be >= 1');
  }

  /** Attaches the persistence log; documents stored from now on are journaled. */
  attachJournal(journal: StoreJournal): void {
    this.journal = journal;
  }

  /** Observers learn of every change from now on (attach before replay to see every trace). */
  addObserver(observer: TraceObserver): void {
    this.observers.push(observer);
  }

  /** Stores a batch of validated documents, then evicts down to the limits. */
  putMany(inputs: readonly StoreInput[]): void {
    const journaled: string[] = [];
    if (this.observers.length > 0) this.touched = new Map();
    for (const { doc, text } of inputs) {
      if (this.putOne(doc, Buffer.byteLength(text))) journaled.push(text);
    }
    this.evict();
    this.notifyTouched();
    if (this.journal && journaled.length > 0) {
      this.journal.append(journaled);
      this.journal.afterBatch(this.byteCount, () => this.liveTexts());
    }
  }

  put(doc: SegmentDocument, text: string): void {
    this.putMany([{ doc, text }]);
  }

  private notifyTouched(): void {
    const touched = this.touched;
    this.touched = undefined;
    if (!touched) return;
    for (const [id, before] of touched) this.notify(before, this.traces.get(id)?.toView());
  }

  /** An observer's failure must not fail the batch: the documents are stored; it is counted (/healthz). */
  private notify(before: TraceView | undefined, after: TraceView | undefined): void {
    for (const o of this.observers) {
      try {
        o.traceChanged(before, after);
      } catch {
        this.observerFailures += 1;
      }
    }
  }

  private putOne(doc: SegmentDocument, bytes: number): boolean {
    const traceId = doc.trace_id as string;
    let entry = this.traces.get(traceId);
    if (this.touched && !this.touched.has(traceId)) this.touched.set(traceId, entry?.toView());
    if (!entry) {
      entry = new TraceEntry(traceId);
      entry.seq = this.created++;
      this.traces.set(traceId, entry);
      this.arrival.push(traceId);
      this.byEpoch.add(entry.epoch, traceId);
    }
    for (const s of this.snapshots) s.beforeChange(entry);
    const oldStart = entry.startTime;
    const { effect, addedServices, removedServices } = entry.put(doc, bytes);
    if (effect.kind === 'ignored') return false;
    if (effect.kind === 'added') this.segmentCount += 1;
    this.byteCount += bytes - (effect.kind === 'replaced' ? effect.old.bytes : 0);
    if (entry.startTime !== oldStart) {
      if (oldStart !== Infinity) this.byStart.remove(oldStart, traceId);
      this.byStart.add(entry.startTime, traceId);
    }
    const span = entry.endTime - entry.startTime;
    if (span > LONG_SPAN_S) this.longTraces.add(traceId);
    else this.maxSpan = Math.max(this.maxSpan, span);
    for (const name of addedServices) {
      let set = this.byService.get(name);
      if (!set) this.byService.set(name, (set = new Set()));
      set.add(traceId);
    }
    for (const name of removedServices) this.unindexService(name, traceId);
    return true;
  }

  private unindexService(name: string, traceId: string): void {
    const set = this.byService.get(name);
    if (!set) return;
    set.delete(traceId);
    if (set.size === 0) this.byService.delete(name);
  }

  private estimatedMemory(): number {
    return this.byteCount * TEXT_FACTOR + this.segmentCount * PER_DOCUMENT_BYTES;
  }

  private evict(): void {
    while (this.segmentCount > this.options.maxSegments || this.estimatedMemory() > this.options.maxBytes) {
      const oldest = this.arrival.shift();
      if (oldest === undefined) return;
      this.remove(oldest);
    }
  }

  private remove(traceId: string): void {
    const entry = this.traces.get(traceId);
    if (!entry) return;
    if (this.observers.length > 0) {
      // A trace stored and evicted in the same batch was never seen by the observers as stored.
      const before = this.touched?.has(traceId) ? this.touched.get(traceId) : entry.toView();
      this.touched?.delete(traceId);
      this.notify(before, undefined);
    }
    for (const s of this.snapshots) s.beforeChange(entry);
    this.traces.delete(traceId);
    this.byEpoch.remove(entry.epoch, traceId);
    this.longTraces.delete(traceId);
    if (entry.startTime !== Infinity) this.byStart.remove(entry.startTime, traceId);
    for (const name of entry.serviceCounts.keys()) this.unindexService(name, traceId);
    this.segmentCount -= entry.segments.size;
    this.byteCount -= entry.bytes;
    this.evictedTraces += 1;
    this.evictedSegments += entry.segments.size;
  }

  get(traceId: string): TraceView | undefined {
    return this.traces.get(traceId)?.toView();
  }

  has(traceId: string): boolean {
    return this.traces.has(traceId);
  }

  /**
   * Traces in a time window, newest first, with the time they are ordered by. `TraceId` uses the
   * trace id's time; `Event` selects traces whose [first start, last end] overlaps the window and
   * orders them by their start.
   */
  *range(q: RangeQuery): Generator<{ trace: TraceView; time: number }> {
    if (q.by === 'TraceId') {
      for (const { time, id } of this.byEpoch.descending(Math.floor(q.startTime), q.endTime, q.before)) {
        const entry = this.traces.get(id);
        if (entry) yield { trace: entry.toView(), time };
      }
      return;
    }
    const floor = q.startTime - this.maxSpan;
    for (const { time, id } of this.byStart.descending(floor, q.endTime, q.before)) {
      const entry = this.traces.get(id);
      if (entry && entry.endTime >= q.startTime) yield { trace: entry.toView(), time };
    }
    // Long traces that started before the walked range come after it in newest-first order.
    const long: TraceEntry[] = [];
    for (const id of this.longTraces) {
      const e = this.traces.get(id);
      if (!e || e.startTime >= floor || e.endTime < q.startTime || e.startTime > q.endTime) continue;
      if (q.before && (e.startTime > q.before.time || (e.startTime === q.before.time && id >= q.before.id))) continue;
      long.push(e);
    }
    long.sort((a, b) => b.startTime - a.startTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    for (const e of long) yield { trace: e.toView(), time: e.startTime };
  }

  /** Trace ids whose top-level segments carry this name. */
  traceIdsForService(name: string): ReadonlySet<string> {
    return this.byService.get(name) ?? new Set();
  }

  /** All service (segment) names currently stored. */
  serviceNames(): string[] {
    return [...this.byService.keys()];
  }

  /** Time bounds of a stored trace (seconds). */
  bounds(traceId: string): { startTime: number; endTime: number; epoch: number } | undefined {
    const e = this.traces.get(traceId);
    return e ? { startTime: e.startTime, endTime: e.endTime, epoch: e.epoch } : undefined;
  }

  stats(): StoreStats {
    return {
      traces: this.traces.size,
      segments: this.segmentCount,
      bytes: this.byteCount,
      estimatedMemoryBytes: Math.round(this.estimatedMemory()),
      evictedTraces: this.evictedTraces,
      evictedSegments: this.evictedSegments,
      observerFailures: this.observerFailures,
    };
  }

  /** Every stored trace's view, oldest first (a group's rollups are built from them). */
  *views(): Generator<TraceView> {
    for (const entry of this.traces.values()) yield entry.toView();
  }

  /**
   * The live documents as JSON text, oldest trace first (what compaction rewrites): a snapshot of
   * the live set now, read lazily (live-snapshot.ts), so a compaction that writes across many
   * event-loop turns writes exactly the documents live at its start without copying them all up
   * front. Release it when done. Deeply nested documents, which JSON.parse accepts but
   * JSON.stringify overflows on, are serialized too.
   */
  liveTexts(): LiveSnapshot {
    const snapshot: LiveSnapshot = new LiveSnapshot(this.arrival.toArray(), this.created, (id) => this.traces.get(id), () =>
      this.snapshots.delete(snapshot),
    );
    this.snapshots.add(snapshot);
    return snapshot;
  }
}
