import type { Waterfall } from './segment-tree.js';
import { rowTree, type RowNode } from './waterfall-tree.js';
import type { TraceSummary } from './xray-types.js';

/** One node of the merged tree of two traces. Durations in seconds; undefined where absent. */
export interface CompareNode {
  /** Stable across both traces: the path of names (with an occurrence index among same-named siblings). */
  path: string;
  name: string;
  service: string;
  depth: number;
  presence: 'both' | 'onlyA' | 'onlyB';
  durationA?: number;
  durationB?: number;
  /** B minus A, for nodes in both. */
  delta?: number;
}

/**
 * Merges two traces into one tree: nodes match when their path of names from the root matches (the
 * n-th "GET /item" under the same parent matches the n-th one), so a call only one trace made shows as
 * only in A or only in B and shared calls carry the duration delta. Children keep time order.
 */
export function compareTraces(a: Waterfall, b: Waterfall): CompareNode[] {
  const out: CompareNode[] = [];
  const walk = (nodesA: RowNode[], nodesB: RowNode[], prefix: string, depth: number) => {
    const keyed = (nodes: RowNode[]) => {
      const seen = new Map<string, number>();
      return nodes.map((node) => {
        const n = seen.get(node.row.name) ?? 0;
        seen.set(node.row.name, n + 1);
        return { key: `${prefix}/${node.row.name}#${n}`, node };
      });
    };
    const left = keyed(nodesA);
    const right = new Map(keyed(nodesB).map((k) => [k.key, k.node]));
    const order: { key: string; a?: RowNode; b?: RowNode; start: number }[] = [];
    for (const { key, node } of left) {
      order.push({ key, a: node, b: right.get(key), start: node.start - (nodesA[0]?.start ?? 0) });
      right.delete(key);
    }
    for (const [key, node] of right) order.push({ key, b: node, start: node.start - (nodesB[0]?.start ?? 0) });
    order.sort((x, y) => x.start - y.start);
    for (const { key, a: na, b: nb } of order) {
      const any = (na ?? nb)!;
      const durationA = na ? na.end - na.start : undefined;
      const durationB = nb ? nb.end - nb.start : undefined;
      out.push({
        path: key,
        name: any.row.name,
        service: any.service,
        depth,
        presence: na && nb ? 'both' : na ? 'onlyA' : 'onlyB',
        durationA,
        durationB,
        delta: durationA !== undefined && durationB !== undefined ? durationB - durationA : undefined,
      });
      walk(na?.children ?? [], nb?.children ?? [], key, depth + 1);
    }
  };
  walk(rowTree(a), rowTree(b), '', 0);
  return out;
}

/** The merged nodes by how much they differ, largest first: the delta's size, or a one-sided node's duration. */
export function byLargestDelta(nodes: CompareNode[]): CompareNode[] {
  const size = (n: CompareNode) => Math.abs(n.delta ?? n.durationA ?? n.durationB ?? 0);
  return [...nodes].sort((x, y) => size(y) - size(x));
}

/**
 * The most typical trace for a URL (or, without one, for the same entry point): among the summaries
 * with the same `Http.HttpURL` as `of`, other than `of` itself, the one with the median duration.
 */
export function mostTypical(of: TraceSummary, summaries: TraceSummary[]): TraceSummary | undefined {
  const url = of.Http?.HttpURL;
  const entry = of.EntryPoint?.Name;
  const peers = summaries
    .filter((s) => s.Id !== of.Id && (url !== undefined ? s.Http?.HttpURL === url : s.EntryPoint?.Name === entry))
    .filter((s) => typeof s.Duration === 'number')
    .sort((x, y) => x.Duration! - y.Duration!);
  return peers.length === 0 ? undefined : peers[Math.floor((peers.length - 1) / 2)];
}
