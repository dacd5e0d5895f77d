import type { SegmentDocument, TraceView } from '../trace-view.js';
import type { Facts } from './facts.js';
import { buildTraceGraph, type TraceGraph } from './service-graph.js';
import { computeTraceFacts } from './trace-facts.js';

/** Derived facts of one trace, computed once and shared by every compiled filter. */
export class TraceIndex {
  readonly facts: Facts;
  private readonly rootDoc: SegmentDocument | undefined;
  private built: TraceGraph | undefined;

  constructor(
    private readonly trace: TraceView,
    /** What the facts were computed from, to notice a store that appended or swapped documents. */
    readonly segments: readonly SegmentDocument[],
    readonly length: number,
  ) {
    const { facts, rootDoc } = computeTraceFacts(trace);
    this.facts = facts;
    // Inside service() `root` marks the entry segment only when it really is parentless.
    this.rootDoc = facts.root ? rootDoc : undefined;
  }

  /** Built on first use: only service()/edge() terms need it. */
  graph(): TraceGraph {
    return (this.built ??= buildTraceGraph(this.trace, this.rootDoc, this.facts.responsetime));
  }
}

/**
 * Keyed by the TraceView object, so an entry lives exactly as long as the store keeps that view
 * (no separate limit needed). A store that appends to `segments` or swaps the array gets fresh
 * facts; one that replaces a document in place without changing the length must hand out a new
 * TraceView (or a new array) for the change to be seen.
 */
const cache = new WeakMap<TraceView, TraceIndex>();

/** `remember: false` (a one-off evaluation, e.g. at ingest) uses the cache but does not fill it. */
export function indexTrace(trace: TraceView, remember = true): TraceIndex {
  const hit = cache.get(trace);
  const segments = Array.isArray(trace.segments) ? trace.segments : [];
  if (hit && hit.segments === segments && hit.length === segments.length) return hit;
  const index = new TraceIndex(trace, segments, segments.length);
  if (remember) cache.set(trace, index);
  return index;
}
