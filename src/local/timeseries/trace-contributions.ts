/**
 * What one trace adds to the per-minute statistics: one entry per completed request of a service
 * node or an edge, counted exactly as the service graph counts it (service-graph.ts): a node's
 * requests are its segments (an inferred node's: the calling subsegments), an edge's are the
 * calling subsegments (client edges: the entry segments). A request belongs to the minute its
 * entity ended in; in-progress entities are not counted until they complete.
 *
 * Every change of a trace recomputes what it contributes, so a trace counts with its first
 * MAX_TRACE_DOCUMENTS documents only (their order is stable: a replacement keeps its place):
 * one huge trace arriving a batch at a time cannot make ingest quadratic.
 */
import { CLIENT_SERVICE, type ServiceRef, segmentService } from '../reads/inferred-service.js';
import { findCalls } from '../reads/downstream-calls.js';
import { durationMs, endOf, isError, isFault, isThrottle } from '../reads/segment-tree.js';
import { indexTrace } from '../reads/trace-index.js';
import type { SegmentDocument, TraceView } from '../trace-view.js';

export type Outcome = 'ok' | 'throttle' | 'error' | 'fault';

export interface Contribution {
  /** Node key, or `from\u0001to` for an edge. */
  key: string;
  edge: boolean;
  /** A client edge: a request entering the application (also summed into one series per scope). */
  entry: boolean;
  from?: ServiceRef;
  to: ServiceRef;
  minute: number;
  outcome: Outcome;
  ms: number;
}

export function edgeKey(from: ServiceRef, to: ServiceRef): string {
  return `${from.key}\u0001${to.key}`;
}

function outcomeOf(e: SegmentDocument): Outcome {
  return isFault(e) ? 'fault' : isThrottle(e) ? 'throttle' : isError(e) ? 'error' : 'ok';
}

export const MAX_TRACE_DOCUMENTS = 500;

function adder(out: Contribution[]): (entity: SegmentDocument, to: ServiceRef, from?: ServiceRef) => void {
  return (entity, to, from) => {
    const ms = durationMs(entity);
    const end = endOf(entity);
    if (ms === undefined || end === undefined) return;
    const minute = Math.floor(end / 60);
    const key = from ? edgeKey(from, to) : to.key;
    out.push({ key, edge: from !== undefined, entry: from === CLIENT_SERVICE, from, to, minute, outcome: outcomeOf(entity), ms });
  };
}

/**
 * A trace of one segment without subsegments (the common case at ingest): its service's request
 * and the client edge into it, exactly what the general walk finds, without building its index.
 */
function loneSegment(trace: TraceView): Contribution[] | undefined {
  if (trace.segments.length !== 1) return undefined;
  const doc = trace.segments[0];
  if (doc.type === 'subsegment' || (Array.isArray(doc.subsegments) && doc.subsegments.length > 0)) return undefined;
  const out: Contribution[] = [];
  const add = adder(out);
  const service = segmentService(doc);
  add(doc, service);
  add(doc, service, CLIENT_SERVICE);
  return out;
}

export function traceContributions(trace: TraceView): Contribution[] {
  const fast = loneSegment(trace);
  if (fast) return fast;
  const out: Contribution[] = [];
  const counted = trace.segments.length > MAX_TRACE_DOCUMENTS ? { id: trace.id, segments: trace.segments.slice(0, MAX_TRACE_DOCUMENTS) } : trace;
  const index = indexTrace(counted);
  const add = adder(out);
  for (const segment of index.segments) {
    const service = index.serviceOf(segment);
    if (service) add(segment, service);
  }
  for (const entry of index.entrySegments) {
    const service = index.serviceOf(entry);
    if (service) add(entry, service, CLIENT_SERVICE);
  }
  for (const call of findCalls(index)) {
    if (call.target.kind === 'inferred') add(call.record, call.target.service);
    add(call.record, call.target.service, call.from);
  }
  return out;
}
