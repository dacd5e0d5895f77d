/**
 * GetServiceGraph / GetTraceGraph: the service map of a set of traces.
 *
 * Nodes: one per segment service (`name` + `origin`), one per inferred downstream service
 * (see inferred-service.ts) and one `client` node feeding every entry segment. Node statistics
 * come from the node's own segments (inferred nodes: from the calling subsegments); edge
 * statistics from the calling subsegments (client edges: from the entry segments).
 *
 * With a window (epoch seconds), only documents overlapping it count: a segment's own statistics
 * need the segment in the window, a call needs its calling document in the window. A callee
 * outside the window still appears (as a node without requests) so every edge has a target.
 *
 * ReferenceIds are deterministic: nodes sorted by Name, then Type, numbered from 0. Services and
 * Edges are listed in ReferenceId order.
 */
import type { SegmentDocument, TraceView } from '../trace-view.js';
import type { ServiceNode } from './api-types.js';
import { endOf, startOf } from './segment-tree.js';
import { CLIENT_SERVICE, type ServiceRef } from './inferred-service.js';
import { indexTrace } from './trace-index.js';
import { findCalls } from './downstream-calls.js';
import { StatisticsBuilder } from './statistics.js';

interface NodeAcc {
  ref: ServiceRef;
  root: boolean;
  stats: StatisticsBuilder;
  edges: Map<string, StatisticsBuilder>;
}

export interface TimeWindow {
  startTime: number;
  endTime: number;
}

function overlaps(doc: SegmentDocument, window: TimeWindow | undefined): boolean {
  if (!window) return true;
  const start = startOf(doc);
  if (start === undefined) return false;
  // An in-progress document is still running, so it reaches every later window.
  const end = endOf(doc) ?? (doc.in_progress === true ? Infinity : start);
  return start <= window.endTime && end >= window.startTime;
}

export function buildServiceGraph(traces: Iterable<TraceView>, window?: TimeWindow): ServiceNode[] {
  const nodes = new Map<string, NodeAcc>();
  const node = (ref: ServiceRef): NodeAcc => {
    let acc = nodes.get(ref.key);
    if (!acc) nodes.set(ref.key, (acc = { ref, root: false, stats: new StatisticsBuilder(), edges: new Map() }));
    return acc;
  };
  const edge = (from: NodeAcc, to: NodeAcc): StatisticsBuilder => {
    let stats = from.edges.get(to.ref.key);
    if (!stats) from.edges.set(to.ref.key, (stats = new StatisticsBuilder()));
    return stats;
  };

  for (const trace of traces) {
    const index = indexTrace(trace);
    for (const segment of index.segments) {
      if (!overlaps(segment, window)) continue;
      const service = index.serviceOf(segment);
      if (service) node(service).stats.add(segment);
    }
    for (const entry of index.entrySegments) {
      if (!overlaps(entry, window)) continue;
      const service = index.serviceOf(entry);
      if (!service) continue;
      const target = node(service);
      target.root = true;
      const client = node(CLIENT_SERVICE);
      client.stats.touch(entry);
      edge(client, target).add(entry);
    }
    for (const call of findCalls(index)) {
      if (!overlaps(call.callerDoc, window)) continue;
      const from = node(call.from);
      const to = node(call.target.service);
      if (call.target.kind === 'inferred') to.stats.add(call.record);
      else if (!overlaps(call.target.segment, window)) to.stats.touch(call.record);
      edge(from, to).add(call.record);
    }
  }

  const ordered = [...nodes.values()].sort((a, b) => compare(a.ref, b.ref));
  const refIds = new Map(ordered.map((acc, i) => [acc.ref.key, i]));
  return ordered.map((acc, i): ServiceNode => {
    const { AccountId, Type } = acc.ref.id;
    const out: ServiceNode = {
      ReferenceId: i,
      Name: acc.ref.id.Name,
      Names: [...acc.ref.id.Names],
      Root: acc.root,
      ...(AccountId !== undefined ? { AccountId } : {}),
      ...(Type !== undefined ? { Type } : {}),
      State: 'active',
      ...times(acc.stats),
      Edges: [...acc.edges.entries()]
        .map(([key, stats]) => ({
          ReferenceId: refIds.get(key)!,
          ...times(stats),
          SummaryStatistics: stats.summary(),
          ResponseTimeHistogram: stats.histogram(),
          Aliases: [],
        }))
        .sort((a, b) => a.ReferenceId - b.ReferenceId),
      SummaryStatistics: acc.stats.summary(),
      DurationHistogram: acc.stats.histogram(),
      ResponseTimeHistogram: acc.stats.histogram(),
    };
    return out;
  });
}

function times(stats: StatisticsBuilder): { StartTime?: number; EndTime?: number } {
  const out: { StartTime?: number; EndTime?: number } = {};
  if (stats.startTime !== undefined) out.StartTime = stats.startTime;
  if (stats.endTime !== undefined) out.EndTime = stats.endTime;
  return out;
}

function compare(a: ServiceRef, b: ServiceRef): number {
  const byName = cmp(a.id.Name, b.id.Name);
  return byName !== 0 ? byName : cmp(a.id.Type ?? '', b.id.Type ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
