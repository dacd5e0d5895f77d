import type { Waterfall } from './segment-tree.js';
import { allNodes, rowTree, selfTime } from './waterfall-tree.js';

/** One line of the trace statistics table (Jaeger's "Trace Statistics"), times in seconds. */
export interface StatisticsLine {
  service: string;
  /** Undefined on the per-service table. */
  operation?: string;
  count: number;
  total: number;
  average: number;
  min: number;
  max: number;
  /** Time not covered by the rows' own children, summed. */
  self: number;
}

export type StatisticsGrouping = 'service' | 'operation';

/**
 * Per service (each row counted under the segment it belongs to) or per service and operation
 * (the row's name), in the order of the first row of each group. Inferred rows (made up by the API
 * for a callee that sent nothing) count under their own name, as the map shows them.
 */
export function traceStatistics(waterfall: Waterfall, grouping: StatisticsGrouping): StatisticsLine[] {
  const lines = new Map<string, StatisticsLine>();
  for (const node of allNodes(rowTree(waterfall))) {
    const service = node.row.inferred ? node.row.name : node.service;
    const operation = grouping === 'operation' ? node.row.name : undefined;
    const key = JSON.stringify([service, operation]);
    const duration = node.end - node.start;
    let line = lines.get(key);
    if (!line) {
      line = { service, operation, count: 0, total: 0, average: 0, min: Infinity, max: -Infinity, self: 0 };
      lines.set(key, line);
    }
    line.count++;
    line.total += duration;
    line.min = Math.min(line.min, duration);
    line.max = Math.max(line.max, duration);
    line.self += selfTime(node);
  }
  return [...lines.values()].map((l) => ({ ...l, average: l.total / l.count }));
}

export type StatisticsColumn = 'service' | 'operation' | 'count' | 'total' | 'average' | 'min' | 'max' | 'self';

/** A sorted copy; text columns ascending by default, numbers descending (the largest first). */
export function sortStatistics(lines: StatisticsLine[], column: StatisticsColumn, descending?: boolean): StatisticsLine[] {
  const text = column === 'service' || column === 'operation';
  const desc = descending ?? !text;
  const sorted = [...lines].sort((a, b) => {
    const x = a[column] ?? '';
    const y = b[column] ?? '';
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return desc ? -order : order;
  });
  return sorted;
}

/** The rows' keys whose name, service or id contains `query` (case-insensitive): the search within a trace. */
export function matchingRows(waterfall: Waterfall, query: string): Set<string> {
  const q = query.trim().toLowerCase();
  const out = new Set<string>();
  if (q === '') return out;
  for (const node of allNodes(rowTree(waterfall))) {
    const { row } = node;
    const http = row.doc.http?.request;
    const url = typeof http?.url === 'string' ? http.url : '';
    if ([row.name, node.service, row.id, url].some((s) => s.toLowerCase().includes(q))) out.add(row.key);
  }
  return out;
}
