/**
 * The local backend's bounded, indexed trace store.
 *
 * Limits: at most `maxSegments` documents and `maxBytes` bytes of document JSON text. Past either,
 * whole traces are evicted, oldest first, where a trace's age is when its first document was stored
 * (documents of any age are accepted, so an old trace id arriving now is "new"). A trace that alone
 * exceeds a limit is evicted too: memory stays bounded whatever arrives. Evictions are counted.
 * The byte limit counts document text; the parsed objects take a small multiple of it on the heap.
 *
 * Indexes: by trace id (a Map; a FIFO of ids gives the eviction order), by trace-id time and by event time
 * (sorted, for newest-first range walks), and by segment name (service).
 */
import type { SegmentDocument, TraceView } from '../trace-view.js';
import { Deque } from '../../pipeline/deque.js';
import { TimeIndex } from './time-index.js';
import { TraceEntry } from './trace-entry.js';

export interface TraceStoreOptions {
  maxSegments: number;
  maxBytes: number;
}

/** Where accepted documents are written (the persistence log); absent = memory only. */
export interface StoreJournal {
  append(texts: readonly string[]): void;
  /** Called after each batch; may rewrite the log from the live documents. */
  afterBatch(liveBytes: number, liveTexts: () => Iterable<string>): void;
}

export interface StoreStats {
  traces: number;
  segments: number;
  bytes: number;
  evictedTraces: number;
  evictedSegments: number;
}

export type TimeRangeType = 'TraceId' | 'Event';

export interface RangeQuery {
  startTime: number;
  endTime: number;
  by: TimeRangeType;
  /** Resume after this (time, id): only older entries are returned. */
  before?: { time: number; id: string };
}

export interface StoreInput {
  doc: SegmentDocument;
  /** The document's JSON text as received (journaled and measured). */
  text: string;
}

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
  /** Longest trace span seen: bounds how far back an event-time overlap walk must look. */
  private maxSpan = 0;
  private journal: StoreJournal | undefined;

  constructor(private readonly options: TraceStoreOptions) {
    if (!(options.maxSegments >= 1) || !(options.maxBytes >= 1)) throw new RangeError('store limits must be >= 1');
  }

  /** Attaches the persistence log; documents stored from now on are journaled. */
  attachJournal(journal: StoreJournal): void {
    this.journal = journal;
  }

  /** Stores a batch of validated documents, then evicts down to the limits. */
  putMany(inputs: readonly StoreInput[]): void {
    const journaled: string[] = [];
    for (const { doc, text } of inputs) {
      if (this.putOne(doc, Buffer.byteLength(text))) journaled.push(text);
    }
    this.evict();
    if (this.journal && journaled.length > 0) {
      this.journal.append(journaled);
      this.journal.afterBatch(this.byteCount, () => this.liveTexts());
    }
  }

  put(doc: SegmentDocument, text: string): void {
    this.putMany([{ doc, text }]);
  }

  private putOne(doc: SegmentDocument, bytes: number): boolean {
    const traceId = doc.trace_id as string;
    let entry = this.traces.get(traceId);
    if (!entry) {
      entry = new TraceEntry(traceId);
      this.traces.set(traceId, entry);
      this.arrival.push(traceId);
      this.byEpoch.add(entry.epoch, traceId);
    }
    const oldStart = entry.startTime;
    const { effect, addedServices, removedServices } = entry.put(doc, bytes);
    if (effect.kind === 'ignored') return false;
    if (effect.kind === 'added') this.segmentCount += 1;
    this.byteCount += bytes - (effect.kind === 'replaced' ? effect.old.bytes : 0);
    if (entry.startTime !== oldStart) {
      if (oldStart !== Infinity) this.byStart.remove(oldStart, traceId);
      this.byStart.add(entry.startTime, traceId);
    }
    this.maxSpan = Math.max(this.maxSpan, entry.endTime - entry.startTime);
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

  private evict(): void {
    while (this.segmentCount > this.options.maxSegments || this.byteCount > this.options.maxBytes) {
      const oldest = this.arrival.shift();
      if (oldest === undefined) return;
      this.remove(oldest);
    }
  }

  private remove(traceId: string): void {
    const entry = this.traces.get(traceId);
    if (!entry) return;
    this.traces.delete(traceId);
    this.byEpoch.remove(entry.epoch, traceId);
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
    for (const { time, id } of this.byStart.descending(q.startTime - this.maxSpan, q.endTime, q.before)) {
      const entry = this.traces.get(id);
      if (entry && entry.endTime >= q.startTime) yield { trace: entry.toView(), time };
    }
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
      evictedTraces: this.evictedTraces,
      evictedSegments: this.evictedSegments,
    };
  }

  /** The live documents as JSON text, oldest trace first (what compaction rewrites). */
  *liveTexts(): Generator<string> {
    for (const entry of this.traces.values()) {
      for (const s of entry.segments.values()) yield JSON.stringify(s.doc);
    }
  }
}
