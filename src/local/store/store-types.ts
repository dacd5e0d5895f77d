/** The trace store's options, inputs and outputs (the store itself: trace-store.ts). */
import type { SegmentDocument, TraceView } from '../trace-view.js';
import type { LiveRecords } from './live-snapshot.js';

export interface TraceStoreOptions {
  maxSegments: number;
  /** Estimated memory of the stored documents: 1.5x their JSON text + 500 bytes each (trace-store.ts). */
  maxBytes: number;
}

/** Where accepted documents are written (the persistence log); absent = memory only. */
export interface StoreJournal {
  append(texts: readonly string[]): void;
  /** Called after each batch; may rewrite the log from the live documents. */
  /**
   * `liveTexts()` snapshots the live set when called (compaction may iterate it later and must
   * release it when done).
   */
  afterBatch(liveBytes: number, liveTexts: () => LiveRecords): void;
}

export interface StoreStats {
  traces: number;
  segments: number;
  /** JSON text of the stored documents. */
  bytes: number;
  /** What the `maxBytes` limit is checked against. */
  estimatedMemoryBytes: number;
  evictedTraces: number;
  evictedSegments: number;
  /** Trace changes an observer (the time-series rollups) failed on; the documents are stored regardless. */
  observerFailures: number;
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

/**
 * Told how a trace changed: `before` is its view before the change (undefined: new trace), `after`
 * its view now (undefined: evicted). Called once per trace per batch, after the batch is stored.
 */
export interface TraceObserver {
  traceChanged(before: TraceView | undefined, after: TraceView | undefined): void;
}
