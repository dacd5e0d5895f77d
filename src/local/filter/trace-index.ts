import type { TraceView } from '../trace-view.js';
import type { Facts } from './facts.js';
import { buildTraceGraph, type TraceGraph } from './service-graph.js';
import { computeTraceFacts } from './trace-facts.js';

/** Derived facts of one trace, computed once and shared by every compiled filter. */
export interface TraceIndex {
  readonly facts: Facts;
  /** Built on first use: only service()/edge() terms need it. */
  graph(): TraceGraph;
}

interface Entry {
  segments: unknown;
  length: number;
  index: TraceIndex;
}

/**
 * Keyed by the TraceView object, so an entry lives exactly as long as the store keeps that view
 * (no separate limit needed). A store that appends to `segments` or swaps the array gets fresh
 * facts; one that replaces a document in place without changing the length must hand out a new
 * TraceView (or a new array) for the change to be seen.
 */
const cache = new WeakMap<TraceView, Entry>();

export function indexTrace(trace: TraceView): TraceIndex {
  const hit = cache.get(trace);
  if (hit && hit.segments === trace.segments && hit.length === trace.segments.length) return hit.index;
  const { facts, rootDoc } = computeTraceFacts(trace);
  let graph: TraceGraph | undefined;
  const index: TraceIndex = {
    facts,
    graph: () => (graph ??= buildTraceGraph(trace, rootDoc, facts.num.responsetime)),
  };
  cache.set(trace, { segments: trace.segments, length: Array.isArray(trace.segments) ? trace.segments.length : 0, index });
  return index;
}
