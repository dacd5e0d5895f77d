import type { Waterfall } from './segment-tree.js';
import { rowTree, type RowNode } from './waterfall-tree.js';

/** A stretch of time during which one row is what the trace's end-to-end latency waits on. */
export interface CriticalSection {
  key: string;
  start: number;
  end: number;
}

export interface CriticalPath {
  /** In time order, without gaps from the root's start to its end. */
  sections: CriticalSection[];
  /** The rows with any section: the ones the waterfall marks. */
  keys: Set<string>;
}

/**
 * The critical path of a trace, as Jaeger computes it: start at the root that ends last and walk
 * back from its end. At each row, the child that finished last (before the point reached) is what
 * the row was waiting on: the time after that child's end is the row's own, then the walk goes into
 * the child, and on return continues from the child's start with the children that had finished
 * by then. Children running in parallel with the chosen one are not on the path; a child that
 * outlives its parent (asynchronous work) counts only up to the parent's end, and one that starts
 * after it is ignored. When no child is left, the row's own time runs back to its start.
 */
export function criticalPath(waterfall: Waterfall): CriticalPath {
  const roots = rowTree(waterfall);
  const sections: CriticalSection[] = [];
  const keys = new Set<string>();
  if (roots.length === 0) return { sections, keys };
  const root = roots.reduce((a, b) => (b.end > a.end ? b : a));

  // An explicit stack instead of recursion: one frame per row on the path.
  interface Frame {
    node: RowNode;
    /** The point reached, walking back in time. */
    cursor: number;
    /** Children clipped to the node, latest end first. */
    children: { node: RowNode; start: number; end: number }[];
    next: number;
  }
  const frame = (node: RowNode, limit: number): Frame => {
    const end = Math.min(node.end, limit);
    const children = node.children
      .map((c) => ({ node: c, start: Math.max(c.start, node.start), end: Math.min(c.end, end) }))
      .filter((c) => c.start <= c.end && c.start < end)
      .sort((a, b) => b.end - a.end);
    keys.add(node.row.key);
    return { node, cursor: end, children, next: 0 };
  };
  const push = (key: string, start: number, end: number) => {
    if (end > start) sections.push({ key, start, end });
  };

  const stack: Frame[] = [frame(root, root.end)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    // the last-finishing child that ended by the cursor (strictly before it once a child returned)
    let child: Frame['children'][number] | undefined;
    while (top.next < top.children.length) {
      const candidate = top.children[top.next++];
      if (candidate.end <= top.cursor) {
        child = candidate;
        break;
      }
    }
    if (child === undefined) {
      push(top.node.row.key, top.node.start, top.cursor);
      stack.pop();
      continue;
    }
    push(top.node.row.key, child.end, top.cursor);
    top.cursor = child.start;
    stack.push(frame(child.node, child.end));
  }
  sections.reverse();
  return { sections, keys };
}
