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

function lazyUnits(docs: SegmentDocument[], facts: (d: SegmentDocument) => Facts): () => Facts[] {
  let units: Facts[] | undefined;
  return () => (units ??= docs.map(facts));
}

export interface TraceGraph {
  nodes: ServiceNode[];
  edges: ServiceEdge[];
}

interface RawNode {
  name: string;
  type?: string;
  inferred: boolean;
  start: number;
  unitDocs: SegmentDocument[];
}

export function buildTraceGraph(trace: TraceView, rootDoc: SegmentDocument | undefined, traceResponseTime: number | undefined): TraceGraph {
  const docs = (Array.isArray(trace.segments) ? trace.segments : []).filter((d) => typeof d === 'object' && d !== null);
  const raw = new Map<string, RawNode>();
  const ownerOf = new Map<string, RawNode>();
  const subsById = new Map<string, SegmentDocument>();
  const addUnit = (key: string, init: Omit<RawNode, 'start' | 'unitDocs'>, doc: SegmentDocument): RawNode => {
    let node = raw.get(key);
    if (!node) raw.set(key, (node = { ...init, start: Infinity, unitDocs: [] }));
    node.unitDocs.push(doc);
    if (doc.start_time < node.start) node.start = doc.start_time;
    return node;
  };
  const own = (top: SegmentDocument, node: RawNode): void => {
    forEachNested(top, (d) => {
      ownerOf.set(d.id, node);
      if (d !== top || top.type === 'subsegment') subsById.set(d.id, d);
    });
  };

  const segments = docs.filter((d) => d.type !== 'subsegment');
  for (const seg of segments) {
    const node = addUnit(`s\u0000${seg.name}\u0000${seg.origin ?? ''}`, { name: seg.name, type: seg.origin, inferred: false }, seg);
    own(seg, node);
  }
  // Independent subsegments may hang under other independent subsegments: resolve until stable.
  let pending = docs.filter((d) => d.type === 'subsegment');
  for (let progress = true; progress && pending.length > 0;) {
    const before = pending.length;
    pending = pending.filter((sub) => {
      const owner = typeof sub.parent_id === 'string' ? ownerOf.get(sub.parent_id) : undefined;
      if (owner) own(sub, owner);
      return !owner;
    });
    progress = pending.length < before;
  }

  const edgeUnits = new Map<string, { from: RawNode; to: RawNode; subs: SegmentDocument[] }>();
  const addEdge = (from: RawNode, to: RawNode, sub: SegmentDocument): void => {
    const key = `${from.name}\u0000${from.type ?? ''}\u0001${to.name}\u0000${to.type ?? ''}\u0000${to.inferred}`;
    let e = edgeUnits.get(key);
    if (!e) edgeUnits.set(key, (e = { from, to, subs: [] }));
    e.subs.push(sub);
  };
  const called = new Set<string>();
  for (const seg of segments) {
    const sub = typeof seg.parent_id === 'string' ? subsById.get(seg.parent_id) : undefined;
    if (!sub) continue;
    called.add(sub.id);
    addEdge(ownerOf.get(sub.id) as RawNode, ownerOf.get(seg.id) as RawNode, sub);
  }
  for (const sub of subsById.values()) {
    if ((sub.namespace !== 'aws' && sub.namespace !== 'remote') || called.has(sub.id)) continue;
    const target = inferredNodeOf(sub);
    const node = addUnit(`i\u0000${target.name}\u0000${target.type}`, { ...target, inferred: true }, sub);
    addEdge(ownerOf.get(sub.id) as RawNode, node, sub);
  }

  const ordered = [...raw.values()].sort((a, b) => a.start - b.start);
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
  const edges: ServiceEdge[] = [];
  for (const e of edgeUnits.values()) {
    const to = built.get(e.to) as ServiceNode;
    const ctx = { name: to.name, type: to.type, inferred: to.inferred, root: false, index: ordered.indexOf(e.to), count: ordered.length, traceResponseTime };
    edges.push({ from: built.get(e.from) as ServiceNode, to, units: lazyUnits(e.subs, (s) => unitFacts(s, ctx)) });
  }
  return { nodes: [...built.values()], edges };
}
