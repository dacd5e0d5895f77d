/**
 * One stored trace: the latest version of each of its documents, its time bounds and the service
 * names its segments carry. The store owns the indexes; an entry only reports what changed.
 */
import type { SegmentDocument, TraceView } from '../trace-view.js';
import { traceIdEpoch } from './validate-segment.js';

export interface StoredSegment {
  doc: SegmentDocument;
  /** Size of the document's JSON text: what the store's byte limit counts. */
  bytes: number;
}

export type PutEffect =
  | { kind: 'added' }
  | { kind: 'replaced'; old: StoredSegment }
  /** A late in-progress version of a document whose completed version is already stored. */
  | { kind: 'ignored' };

function isSegment(doc: SegmentDocument): boolean {
  return doc.type !== 'subsegment';
}

export class TraceEntry {
  readonly id: string;
  /** Seconds encoded in the trace id. */
  readonly epoch: number;
  readonly segments = new Map<string, StoredSegment>();
  bytes = 0;
  /** Earliest start_time; only ever moves earlier (a replacement never shrinks the bounds). */
  startTime = Infinity;
  /** Latest end_time (or start_time of in-progress documents); only ever moves later. */
  endTime = -Infinity;
  /** Segment name -> number of top-level segments carrying it. */
  readonly serviceCounts = new Map<string, number>();
  /** Creation order in the store (for live snapshots: live-snapshot.ts). */
  seq = 0;
  private view: TraceView | undefined;

  constructor(id: string) {
    this.id = id;
    this.epoch = traceIdEpoch(id);
  }

  /**
   * Stores a document; returns the service names that appeared or disappeared so the store can
   * update its service index.
   */
  put(doc: SegmentDocument, bytes: number): { effect: PutEffect; addedServices: string[]; removedServices: string[] } {
    const old = this.segments.get(doc.id);
    const addedServices: string[] = [];
    const removedServices: string[] = [];
    if (old && old.doc.in_progress !== true && doc.in_progress === true) {
      return { effect: { kind: 'ignored' }, addedServices, removedServices };
    }
    if (old) {
      this.bytes -= old.bytes;
      if (isSegment(old.doc)) this.countService(old.doc.name, -1, addedServices, removedServices);
    }
    this.segments.set(doc.id, { doc, bytes });
    this.bytes += bytes;
    if (isSegment(doc)) this.countService(doc.name, 1, addedServices, removedServices);
    this.startTime = Math.min(this.startTime, doc.start_time);
    this.endTime = Math.max(this.endTime, typeof doc.end_time === 'number' ? doc.end_time : doc.start_time);
    this.view = undefined;
    return { effect: old ? { kind: 'replaced', old } : { kind: 'added' }, addedServices, removedServices };
  }

  private countService(name: string, delta: number, added: string[], removed: string[]): void {
    const before = this.serviceCounts.get(name) ?? 0;
    const after = before + delta;
    if (after <= 0) this.serviceCounts.delete(name);
    else this.serviceCounts.set(name, after);
    if (before === 0 && after > 0) added.push(name);
    if (before > 0 && after <= 0) removed.push(name);
  }

  /** The shared read view; rebuilt only after a change. */
  toView(): TraceView {
    if (!this.view) {
      const segments: SegmentDocument[] = [];
      for (const s of this.segments.values()) segments.push(s.doc);
      this.view = { id: this.id, segments };
    }
    return this.view;
  }
}
