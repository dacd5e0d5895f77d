import type { Waterfall, WaterfallRow } from './segment-tree.js';

/**
 * The waterfall's rows as a tree again (rows come depth-first with a depth each), with every row's
 * end resolved: an in-progress row lasts until the end of the trace. Shared by the critical path,
 * the trace statistics and the trace comparison.
 */
export interface RowNode {
  row: WaterfallRow;
  start: number;
  end: number;
  children: RowNode[];
  parent?: RowNode;
  /** The name of the segment this row belongs to (its own name for a segment): the row's service. */
  service: string;
}

export function rowTree(waterfall: Waterfall): RowNode[] {
  const roots: RowNode[] = [];
  const open: RowNode[] = []; // open[d] = the latest node at depth d
  for (const row of waterfall.rows) {
    const parent = row.depth > 0 ? open[row.depth - 1] : undefined;
    const start = row.start;
    const end = row.end ?? Math.max(waterfall.end, start);
    const service = row.isSegment || parent === undefined ? row.name : parent.service;
    const node: RowNode = { row, start, end: Math.max(end, start), children: [], parent, service };
    if (parent) parent.children.push(node);
    else roots.push(node);
    open[row.depth] = node;
    open.length = row.depth + 1;
  }
  return roots;
}

/** Every node of the forest, depth-first (iterative: traces can nest deeply). */
export function allNodes(roots: RowNode[]): RowNode[] {
  const out: RowNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return out;
}

/**
 * The time inside [start, end] that no child covers: the node's self time. Children are clipped to
 * the node; overlapping (parallel) children count once.
 */
export function selfTime(node: RowNode): number {
  const spans = node.children
    .map((c) => [Math.max(c.start, node.start), Math.min(c.end, node.end)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let cursor = node.start;
  for (const [s, e] of spans) {
    const from = Math.max(s, cursor);
    if (e > from) {
      covered += e - from;
      cursor = e;
    }
  }
  return Math.max(0, node.end - node.start - covered);
}
