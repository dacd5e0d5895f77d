import { Graph, layout } from '@dagrejs/dagre';
import type { Edge, Service } from './xray-types.js';
import { formatCount, formatDuration } from './format.js';
import { statCounts, type StatCounts } from './health.js';

export const NODE_RADIUS = 30;
const MIN_NODE_WIDTH = 96;
// Symmetric around the circle so edges meet it at its center; the name sits below it.
const NODE_HEIGHT = 2 * (NODE_RADIUS + 38);
const LABEL_HEIGHT = 18;
/** Approximate glyph widths of the SVG fonts, to reserve room for names and labels. */
const NAME_CHAR_PX = 7.6;
const LABEL_CHAR_PX = 6.6;

export interface MapNode {
  key: string;
  service: Service;
  stats: StatCounts;
  /** Center of the circle. */
  x: number;
  y: number;
}

export interface MapEdge {
  key: string;
  from: MapNode;
  to: MapNode;
  edge: Edge;
  stats: StatCounts;
  points: { x: number; y: number }[];
  label: string;
  labelWidth: number;
  labelX: number;
  labelY: number;
}

export const MAX_NAME_CHARS = 26;

/** What an edge says: its request count and average latency. */
export function edgeLabel(stats: StatCounts): string {
  return `${formatCount(stats.total)} req${stats.average === undefined ? '' : ` · ${formatDuration(stats.average)}`}`;
}

const labelWidth = (text: string): number => Math.ceil(text.length * LABEL_CHAR_PX + 14);

export interface MapLayout {
  width: number;
  height: number;
  nodes: MapNode[];
  edges: MapEdge[];
}

const nodeKey = (s: Service, index: number): string => (s.ReferenceId !== undefined ? `r${s.ReferenceId}` : `i${index}`);

/** Lays the service graph out left to right (callers before callees) with dagre. */
export function layoutServiceMap(services: Service[]): MapLayout {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 56, edgesep: 20, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));

  const byRef = new Map<number, { key: string; service: Service }>();
  services.forEach((service, index) => {
    const key = nodeKey(service, index);
    if (service.ReferenceId !== undefined) byRef.set(service.ReferenceId, { key, service });
    const name = Math.min((service.Name ?? 'Client').length, MAX_NAME_CHARS);
    g.setNode(key, { width: Math.max(MIN_NODE_WIDTH, name * NAME_CHAR_PX + 12), height: NODE_HEIGHT });
  });

  const pending: { key: string; from: string; to: string; edge: Edge }[] = [];
  services.forEach((service, index) => {
    const from = nodeKey(service, index);
    for (const edge of service.Edges ?? []) {
      const target = edge.ReferenceId === undefined ? undefined : byRef.get(edge.ReferenceId);
      if (target === undefined || target.key === from || g.hasEdge(from, target.key)) continue;
      g.setEdge(from, target.key, { width: labelWidth(edgeLabel(statCounts(edge.SummaryStatistics))), height: LABEL_HEIGHT, labelpos: 'c' });
      pending.push({ key: `${from}->${target.key}`, from, to: target.key, edge });
    }
  });

  layout(g);

  const nodes = new Map<string, MapNode>();
  services.forEach((service, index) => {
    const key = nodeKey(service, index);
    const placed = g.node(key) as { x?: number; y?: number } | undefined;
    nodes.set(key, {
      key,
      service,
      stats: statCounts(service.SummaryStatistics),
      x: placed?.x ?? 0,
      y: placed?.y ?? 0,
    });
  });

  const edges: MapEdge[] = [];
  for (const p of pending) {
    const placed = g.edge(p.from, p.to) as { points?: { x: number; y: number }[]; x?: number; y?: number } | undefined;
    const from = nodes.get(p.from)!;
    const to = nodes.get(p.to)!;
    const stats = statCounts(p.edge.SummaryStatistics);
    const label = edgeLabel(stats);
    edges.push({
      key: p.key,
      from,
      to,
      edge: p.edge,
      stats,
      points: clipToCircles(placed?.points ?? [], from, to),
      label,
      labelWidth: labelWidth(label),
      labelX: placed?.x ?? (from.x + to.x) / 2,
      labelY: placed?.y ?? (from.y + to.y) / 2,
    });
  }

  const graph = g.graph() as { width?: number; height?: number };
  return { width: Math.max(graph.width ?? 0, 200), height: Math.max(graph.height ?? 0, 160), nodes: [...nodes.values()], edges };
}

/** Dagre routes edges box to box; start and end them on the circles instead. */
function clipToCircles(points: { x: number; y: number }[], from: MapNode, to: MapNode): { x: number; y: number }[] {
  const inner = points.slice(1, -1);
  const first = inner[0] ?? to;
  const last = inner[inner.length - 1] ?? from;
  return [onCircle(from, first, NODE_RADIUS + 2), ...inner, onCircle(to, last, NODE_RADIUS + 6)];
}

function onCircle(center: { x: number; y: number }, toward: { x: number; y: number }, r: number): { x: number; y: number } {
  const dx = toward.x - center.x;
  const dy = toward.y - center.y;
  const len = Math.hypot(dx, dy) || 1;
  return { x: center.x + (dx / len) * r, y: center.y + (dy / len) * r };
}
