import { useMemo, useRef, useState } from 'preact/hooks';
import type { TraceSummary } from '../../../src/console/model/xray-types.js';
import { formatClock, formatDuration } from '../../../src/console/model/format.js';
import { niceTicks, scatterPoints, timeDomain } from '../../../src/console/model/scatter-plot.js';
import { HealthShape, HEALTH_LABELS, ShapeKey } from './health-shape.js';
import { useWidth } from '../hooks/use-width.js';

interface Props {
  summaries: TraceSummary[];
  onOpen: (id: string) => void;
  /** A brushed time range (epoch seconds). */
  onWindow: (window: { from: number; to: number }) => void;
}

const HEIGHT = 176;
const M = { top: 10, right: 14, bottom: 24, left: 58 };
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * Traces by start time (x) and response time (y). A click opens a trace; dragging across the plot
 * narrows the window to that time range. From the keyboard: ←/→ walk the points in time order,
 * Enter opens one, Shift+←/→ mark a range and Enter narrows the window to it, Esc drops the mark.
 */
export function ScatterChart({ summaries, onOpen, onWindow }: Props) {
  const points = useMemo(() => scatterPoints(summaries), [summaries]);
  const [box, width] = useWidth<HTMLDivElement>(640);
  const [cursor, setCursor] = useState<number | undefined>(undefined);
  const [anchor, setAnchor] = useState<number | undefined>(undefined);
  const [brush, setBrush] = useState<{ x0: number; x1: number } | undefined>(undefined);
  const svg = useRef<SVGSVGElement>(null);

  const [t0, t1] = timeDomain(points);
  const maxY = Math.max(0.001, ...points.map((p) => p.duration)) * 1.1;
  const plotW = Math.max(50, width - M.left - M.right);
  const plotH = HEIGHT - M.top - M.bottom;
  const x = (t: number) => M.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (d: number) => M.top + plotH - (d / maxY) * plotH;
  const timeAt = (px: number) => t0 + ((px - M.left) / plotW) * (t1 - t0);
  const yTicks = niceTicks(0, maxY, 4);
  const step = TIME_STEPS.find((s) => (t1 - t0) / s <= Math.max(2, Math.floor(plotW / 110))) ?? 86400;
  const xTicks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1 && xTicks.length < 20; t += step) xTicks.push(t);

  const localX = (e: PointerEvent) => {
    const rect = svg.current?.getBoundingClientRect();
    return Math.min(M.left + plotW, Math.max(M.left, e.clientX - (rect?.left ?? 0)));
  };
  const range = anchor !== undefined && cursor !== undefined ? [Math.min(anchor, cursor), Math.max(anchor, cursor)] : undefined;
  const current = cursor === undefined ? undefined : points[cursor];

  const onKey = (e: KeyboardEvent) => {
    if (points.length === 0) return;
    const at = cursor ?? (e.key === 'ArrowLeft' ? points.length : -1);
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const next = Math.max(0, Math.min(points.length - 1, at + (e.key === 'ArrowRight' ? 1 : -1)));
      if (e.shiftKey && anchor === undefined) setAnchor(cursor ?? next);
      if (!e.shiftKey) setAnchor(undefined);
      setCursor(next);
    } else if (e.key === 'Enter' && range !== undefined && range[0] !== range[1]) {
      onWindow({ from: points[range[0]].time, to: points[range[1]].time });
      setAnchor(undefined);
    } else if (e.key === 'Enter' && current !== undefined) onOpen(current.id);
    else if (e.key === 'Escape' && (anchor !== undefined || cursor !== undefined)) {
      e.stopPropagation();
      setAnchor(undefined);
      setCursor(undefined);
    } else return;
    e.preventDefault();
  };

  return (
    <figure class="chart scatter-chart">
      <figcaption>
        <span class="chart-title">Response time over time</span>
        <span class="chart-legend">
          {(['ok', 'error', 'throttle', 'fault'] as const).map((h) => (
            <ShapeKey key={h} health={h} count={points.filter((p) => p.health === h).length} />
          ))}
        </span>
      </figcaption>
      <div ref={box} class="chart-box">
        <svg
          ref={svg}
          width={width}
          height={HEIGHT}
          tabindex={0}
          role="group"
          aria-label="Scatter plot of the listed traces. Left and right arrows walk the points, Enter opens one; Shift with the arrows marks a time range, Enter narrows the window to it; or drag across the plot."
          onKeyDown={onKey}
          onBlur={() => setCursor(undefined)}
        >
          {yTicks.map((t) => (
            <g key={`y${t}`} class="grid">
              <line x1={M.left} x2={M.left + plotW} y1={y(t)} y2={y(t)} />
              <text x={M.left - 6} y={y(t) + 4} text-anchor="end">
                {formatDuration(t)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text key={`x${t}`} class="axis-label" x={x(t)} y={HEIGHT - 6} text-anchor="middle">
              {tickClock(t, step)}
            </text>
          ))}
          <rect
            class="brush-area"
            x={M.left}
            y={M.top}
            width={plotW}
            height={plotH}
            onPointerDown={(e) => {
              (e.currentTarget as Element).setPointerCapture(e.pointerId);
              const px = localX(e);
              setBrush({ x0: px, x1: px });
            }}
            onPointerMove={(e) => brush !== undefined && setBrush({ ...brush, x1: localX(e) })}
            onPointerUp={() => {
              if (brush !== undefined && Math.abs(brush.x1 - brush.x0) >= 4) {
                const a = timeAt(brush.x0);
                const b = timeAt(brush.x1);
                onWindow({ from: Math.min(a, b), to: Math.max(a, b) });
              }
              setBrush(undefined);
            }}
          />
          {brush !== undefined && <rect class="brush" x={Math.min(brush.x0, brush.x1)} y={M.top} width={Math.abs(brush.x1 - brush.x0)} height={plotH} />}
          {range !== undefined && (
            <rect class="brush" x={x(points[range[0]].time) - 3} y={M.top} width={x(points[range[1]].time) - x(points[range[0]].time) + 6} height={plotH} />
          )}
          <g class="points">
            {points.map((p) => (
              <g key={p.id} class="point" data-id={p.id} data-health={p.health} onClick={() => onOpen(p.id)}>
                <title>{`${formatClock(p.time)} · ${formatDuration(p.duration)} · ${HEALTH_LABELS[p.health]}`}</title>
                <HealthShape health={p.health} x={x(p.time)} y={y(p.duration)} />
              </g>
            ))}
          </g>
          {current !== undefined && <circle class="point-cursor" cx={x(current.time)} cy={y(current.duration)} r={9} />}
        </svg>
      </div>
      <div class="visually-hidden" aria-live="polite">
        {current === undefined
          ? ''
          : `${formatClock(current.time)}, ${formatDuration(current.duration)}, ${HEALTH_LABELS[current.health]}${range !== undefined ? `; ${range[1] - range[0] + 1} traces marked` : ''}`}
      </div>
    </figure>
  );
}

/** Tick labels as round as their spacing: `14:05` for minute steps, `14:05:30` for seconds. */
function tickClock(epochSeconds: number, step: number): string {
  const full = formatClock(epochSeconds);
  return step >= 60 ? full.slice(0, 5) : full.slice(0, 8);
}
