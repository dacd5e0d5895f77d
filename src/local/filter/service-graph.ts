import type { SegmentDocument, TraceView } from '../trace-view.js';
import { forEachNested, unitFacts, type Facts } from './facts.js';
import { inferredNodeOf } from './inferred-node.js';

/**
 * The trace's services as service()/edge() see them.
 * - A node is a segment `name` plus its `origin` (the type); inferred nodes come from
 *   `aws`/`remote` subsegments whose callee sent no segment (see inferred-node.ts).
 * - A node's units are its segments (for an inferred node, the subsegments that called it);
 *   `service(x) { f }` holds when f holds for at least one unit.
 * - An edge a -> b exists when a segment of b has as parent_id a subsegment of a (nested or
 *   independent), or when a subsegment of a infers b. Its units are those calling subsegments.
 * - Nodes are ordered by their earliest unit start: `index` is the position (0-based), `first`
 *   and `last` the ends of that order, `coverage` = unit responsetime / trace responsetime.
 */
export interface ServiceNode {
  name: string;
  type?: string;
  inferred: boolean;
  /** Facts of each unit, computed on first call (a bare `service("x")` never needs them). */
  units(): Facts[];
}

export interface ServiceEdge {
  from: ServiceNode;
  to: ServiceNode;
  units(): Facts[];
}

export interface TraceGraph {
  nodes: ServiceNode[];
  edges: ServiceEdge[];
}

interface RawNode {
  name: string;
  type: string | undefined;
  inferred: boolean;
  start: number;
  unitDocs: SegmentDocument[];
}

interface RawEdge {
  from: RawNode;
  to: RawNode;
  subs: SegmentDocument[];
}

/** A subsegment and the node whose segment contains it. */
interface Call {
  sub: SegmentDocument;
  owner: RawNode;
}

function lazyUnits(docs: SegmentDocument[], facts: (d: SegmentDocument) => Facts): () => Facts[] {
  let units: Facts[] | undefined;
  return () => (units ??= docs.map(facts));
}

/**
 * Built once per trace on first service()/edge() use. Traces hold few services, so nodes and
 * edges are found by linear search; the id -> owner map is only built when independent
 * subsegments need their parents resolved.
 */
export function buildTraceGraph(trace: TraceView, rootDoc: SegmentDocument | undefined, traceResponseTime: number | undefined): TraceGraph {
  const nodes: RawNode[] = [];
  const edges: RawEdge[] = [];
  const node = (name: string, type: string | undefined, inferred: boolean): RawNode => {
    for (const n of nodes) if (n.name === name && n.type === type && n.inferred === inferred) return n;
    const n: RawNode = { name, type, inferred, start: Infinity, unitDocs: [] };
    nodes.push(n);
    return n;
  };
  const addUnit = (n: RawNode, doc: SegmentDocument): void => {
    n.unitDocs.push(doc);
    if (doc.start_time < n.start) n.start = doc.start_time;
  };
  const addEdge = (from: RawNode, to: RawNode, sub: SegmentDocument): void => {
    for (const e of edges) if (e.from === from && e.to === to) return void e.subs.push(sub);
    edges.push({ from, to, subs: [sub] });
  };

  const segments: SegmentDocument[] = [];
  const independents: SegmentDocument[] = [];
  const calledIds: string[] = [];
  for (const doc of Array.isArray(trace.segments) ? trace.segments : []) {
    if (typeof doc !== 'object' || doc === null) continue;
    if (doc.type === 'subsegment') independents.push(doc);
    else {
      segments.push(doc);
      if (typeof doc.parent_id === 'string') calledIds.push(doc.parent_id);
    }
  }
  const ownerOf = independents.length > 0 ? new Map<string, RawNode>() : undefined;
  const calls: Call[] = [];
  const callers: Call[] = [];
  const claim = (top: SegmentDocument, owner: RawNode): void => {
    forEachNested(top, (d) => {
      ownerOf?.set(d.id, owner);
      if (d === top && top.type !== 'subsegment') return;
      if (calledIds.includes(d.id)) callers.push({ sub: d, owner });
      else if (d.namespace === 'aws' || d.namespace === 'remote') calls.push({ sub: d, owner });
    });
  };

  const segmentNodes = segments.map((seg) => {
    const n = node(seg.name, typeof seg.origin === 'string' ? seg.origin : undefined, false);
    addUnit(n, seg);
    claim(seg, n);
    return n;
  });
  // Independent subsegments may hang under other independent subsegments: resolve until stable.
  let pending = independents;
  for (let progress = true; ownerOf && progress && pending.length > 0;) {
    const before = pending.length;
    pending = pending.filter((sub) => {
      const owner = typeof sub.parent_id === 'string' ? ownerOf.get(sub.parent_id) : undefined;
      if (owner) claim(sub, owner);
      return !owner;
    });
    progress = pending.length < before;
  }

  segments.forEach((seg, i) => {
    const caller = typeof seg.parent_id === 'string' ? callers.find((c) => c.sub.id === seg.parent_id) : undefined;
    if (caller) addEdge(caller.owner, segmentNodes[i], caller.sub);
  });
  for (const { sub, owner } of calls) {
    const target = inferredNodeOf(sub);
    const n = node(target.name, target.type, true);
    addUnit(n, sub);
    addEdge(owner, n, sub);
  }
  return finish(nodes, edges, rootDoc, traceResponseTime);
}

function finish(raw: RawNode[], rawEdges: RawEdge[], rootDoc: SegmentDocument | undefined, traceResponseTime: number | undefined): TraceGraph {
  const ordered = raw.slice().sort((a, b) => a.start - b.start);
  const built = new Map<RawNode, ServiceNode>();
  ordered.forEach((r, index) => {
    const ctx = { name: r.name, type: r.type, inferred: r.inferred, index, count: ordered.length, traceResponseTime };
    built.set(r, {
      name: r.name,
      type: r.type,
      inferred: r.inferred,
      units: lazyUnits(r.unitDocs, (d) => unitFacts(d, { ...ctx, root: d === rootDoc })),
    });
  });
  const edges = rawEdges.map((e): ServiceEdge => {
    const to = built.get(e.to) as ServiceNode;
    const ctx = { name: to.name, type: to.type, inferred: to.inferred, root: false, index: ordered.indexOf(e.to), count: ordered.length, traceResponseTime };
    return { from: built.get(e.from) as ServiceNode, to, units: lazyUnits(e.subs, (s) => unitFacts(s, ctx)) };
  });
  return { nodes: [...built.values()], edges };
}
