import type { StatCounts } from '../../../src/console/model/health.js';
import { statHealth } from '../../../src/console/model/health.js';
import { formatCount, formatDurationShort } from '../../../src/console/model/format.js';
import { MAX_NAME_CHARS, NODE_RADIUS, type MapEdge, type MapLayout, type MapNode } from '../../../src/console/model/map-layout.js';

interface Props {
  layout: MapLayout;
  scale: number;
  selected: string | undefined;
  onSelect: (key: string | undefined) => void;
}

const RING = 5;
const SEGMENTS: (keyof Pick<StatCounts, 'ok' | 'error' | 'throttle' | 'fault'>)[] = ['ok', 'error', 'throttle', 'fault'];

/** The service graph as SVG: a ring per node shows its ok/error/throttle/fault split. */
export function ServiceMapSvg({ layout, scale, selected, onSelect }: Props) {
  const related = new Set<string>();
  if (selected !== undefined) {
    for (const e of layout.edges) {
      if (e.key === selected) related.add(e.from.key).add(e.to.key);
      if (e.from.key === selected) related.add(e.key).add(e.to.key);
      if (e.to.key === selected) related.add(e.key).add(e.from.key);
    }
  }
  const dim = (key: string) => selected !== undefined && key !== selected && !related.has(key);

  return (
    <svg
      class="service-map"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={Math.round(layout.width * scale)}
      height={Math.round(layout.height * scale)}
      role="group"
      aria-label="Service map"
      onClick={() => onSelect(undefined)}
    >
      <defs>
        {['ok', 'error', 'throttle', 'fault'].map((h) => (
          <marker key={h} id={`arrow-${h}`} viewBox="0 0 10 10" refX="8" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
            <path d="M0 0L10 5L0 10z" class={`arrow arrow-${h}`} />
          </marker>
        ))}
      </defs>
      {layout.edges.map((e) => (
        <EdgeShape key={e.key} edge={e} selected={e.key === selected} dimmed={dim(e.key)} onSelect={onSelect} />
      ))}
      {layout.nodes.map((n) => (
        <NodeShape key={n.key} node={n} selected={n.key === selected} dimmed={dim(n.key)} onSelect={onSelect} />
      ))}
    </svg>
  );
}

function EdgeShape(props: { edge: MapEdge; selected: boolean; dimmed: boolean; onSelect: (key: string) => void }) {
  const { edge, selected, dimmed, onSelect } = props;
  const health = statHealth(edge.stats);
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const { label, labelWidth: width } = edge;
  return (
    <g class={`edge health-${health}${selected ? ' selected' : ''}${dimmed ? ' dimmed' : ''}`}>
      <title>{`${edge.from.service.Name ?? ''} → ${edge.to.service.Name ?? ''}: ${label}`}</title>
      <path d={d} class="edge-line" marker-end={`url(#arrow-${health})`} />
      <g
        class="edge-label"
        transform={`translate(${edge.labelX},${edge.labelY})`}
        tabIndex={0}
        role="button"
        aria-pressed={selected}
        aria-label={`Calls from ${edge.from.service.Name ?? 'client'} to ${edge.to.service.Name ?? ''}: ${label}`}
        onClick={(e) => {
          e.stopPropagation();
          onSelect(edge.key);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onSelect(edge.key);
          }
        }}
      >
        <rect x={-width / 2} y={-9} width={width} height={18} rx={9} />
        <text text-anchor="middle" dy="4">
          {label}
        </text>
      </g>
    </g>
  );
}

function NodeShape(props: { node: MapNode; selected: boolean; dimmed: boolean; onSelect: (key: string) => void }) {
  const { node, selected, dimmed, onSelect } = props;
  const { stats, service } = node;
  const isClient = (service.Type ?? '').toLowerCase() === 'client';
  const health = statHealth(stats);
  const r = NODE_RADIUS;
  const circumference = 2 * Math.PI * r;
  let offset = 0;
  const name = service.Name ?? (isClient ? 'Client' : '(unnamed)');
  const shortName = name.length > MAX_NAME_CHARS ? `${name.slice(0, MAX_NAME_CHARS - 1)}…` : name;
  const type = shortType(service.Type);
  return (
    <g
      class={`node health-${health}${selected ? ' selected' : ''}${dimmed ? ' dimmed' : ''}${isClient ? ' client' : ''}`}
      transform={`translate(${node.x},${node.y})`}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`${name}${type === '' ? '' : `, ${type}`}: ${stats.total} requests, ${stats.fault} faults, ${stats.error + stats.throttle} errors`}
      data-name={name}
      onClick={(e) => {
        e.stopPropagation();
        onSelect(node.key);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(node.key);
        }
      }}
    >
      <title>{name}</title>
      <circle r={r + RING + 4} class="node-halo" />
      <circle r={r} class="node-body" />
      {stats.total === 0 ? (
        <circle r={r} class="ring ring-none" stroke-width={RING} />
      ) : (
        SEGMENTS.filter((k) => stats[k] > 0).map((k) => {
          const length = (stats[k] / stats.total) * circumference;
          const dash = `${length} ${circumference - length}`;
          const el = <circle key={k} r={r} class={`ring ring-${k}`} stroke-width={RING} stroke-dasharray={dash} stroke-dashoffset={-offset} transform="rotate(-90)" />;
          offset += length;
          return el;
        })
      )}
      {isClient ? (
        <path d="M0,-10a6,6 0 1 1 0.01,0M-11,11c1-8 5-11 11-11s10 3 11 11" class="client-icon" />
      ) : (
        <>
          <text class="node-metric" text-anchor="middle" dy="-1">
            {stats.average === undefined ? '–' : formatDurationShort(stats.average)}
          </text>
          <text class="node-count" text-anchor="middle" dy="13">
            {formatCount(stats.total)} req
          </text>
        </>
      )}
      <text class="node-name" text-anchor="middle" y={r + RING + 18}>
        {shortName}
      </text>
      {type !== '' && (
        <text class="node-type" text-anchor="middle" y={r + RING + 33}>
          {type}
        </text>
      )}
    </g>
  );
}

/** `AWS::DynamoDB::Table` reads better as `DynamoDB Table`. */
export function shortType(type: string | undefined): string {
  if (type === undefined || type.toLowerCase() === 'client') return '';
  return type.replace(/^AWS::/, '').replace(/::/g, ' ');
}
