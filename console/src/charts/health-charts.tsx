import type { HealthTotals } from '../../../src/console/model/service-health.js';
import { formatClock, formatDuration } from '../../../src/console/model/format.js';
import { niceTicks } from '../../../src/console/model/scatter-plot.js';
import { useWidth } from '../hooks/use-width.js';

type Point = HealthTotals & { time: number };
const HEIGHT = 150;
const M = { top: 8, right: 12, bottom: 22, left: 52 };
const OUTCOMES = [
  ['ok', 'OK'],
  ['errors', 'Error'],
  ['throttles', 'Throttle'],
  ['faults', 'Fault'],
] as const;
const CLASS = { ok: 'ok', errors: 'error', throttles: 'throttle', faults: 'fault' } as const;

/** Hatching for the non-OK parts of a bar, so outcomes differ by texture as well as colour. */
function Patterns() {
  return (
    <defs>
      <pattern id="hatch-error" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="4" height="4" class="fill-error" />
        <line x1="0" y1="0" x2="0" y2="4" class="hatch-line" />
      </pattern>
      <pattern id="hatch-throttle" width="4" height="4" patternUnits="userSpaceOnUse">
        <rect width="4" height="4" class="fill-throttle" />
        <circle cx="2" cy="2" r="0.9" class="hatch-dot" />
      </pattern>
      <pattern id="hatch-fault" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
        <rect width="5" height="5" class="fill-fault" />
        <line x1="0" y1="0" x2="0" y2="5" class="hatch-line" />
        <line x1="2.5" y1="0" x2="2.5" y2="5" class="hatch-line" />
      </pattern>
    </defs>
  );
}

function fillOf(outcome: (typeof OUTCOMES)[number][0]): string {
  return outcome === 'ok' ? 'var(--bar-ok)' : `url(#hatch-${CLASS[outcome]})`;
}

export function OutcomeLegend() {
  return (
    <span class="chart-legend">
      {OUTCOMES.map(([key, label]) => (
        <span key={key} class="shape-key">
          <svg width="12" height="12" aria-hidden="true">
            <Patterns />
            <rect width="12" height="12" fill={fillOf(key)} />
          </svg>
          {label}
        </span>
      ))}
    </span>
  );
}

/** Requests per period, stacked by outcome; a bar (click, or Enter from the keyboard) opens that period's traces. */
export function RequestBars({ points, periodS, onOpen }: { points: Point[]; periodS: number; onOpen: (from: number, to: number) => void }) {
  const [box, width] = useWidth<HTMLDivElement>(640);
  const plotW = Math.max(50, width - M.left - M.right);
  const plotH = HEIGHT - M.top - M.bottom;
  const top = Math.max(1, ...points.map((p) => p.requests));
  const ticks = niceTicks(0, top, 3).filter((t) => Number.isInteger(t));
  const slot = plotW / Math.max(1, points.length);
  const y = (n: number) => M.top + plotH - (n / top) * plotH;
  const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor(plotW / 70))));
  return (
    <div ref={box} class="chart-box">
      <svg width={width} height={HEIGHT} role="group" aria-label="Requests per period by outcome">
        <Patterns />
        {ticks.map((t) => (
          <g key={t} class="grid">
            <line x1={M.left} x2={M.left + plotW} y1={y(t)} y2={y(t)} />
            <text x={M.left - 6} y={y(t) + 4} text-anchor="end">
              {t}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          let base = 0;
          const label = `${formatClock(p.time).slice(0, 5)}: ${p.requests} requests, ${p.ok} OK, ${p.errors} errors, ${p.throttles} throttled, ${p.faults} faults`;
          return (
            <g
              key={p.time}
              class="req-bar"
              data-time={p.time}
              tabindex={p.requests > 0 ? 0 : -1}
              role="button"
              aria-label={`${label}. Open these traces`}
              onClick={() => onOpen(p.time, p.time + periodS)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onOpen(p.time, p.time + periodS);
                }
              }}
            >
              <title>{label}</title>
              <rect class="req-slot" x={M.left + i * slot} y={M.top} width={slot} height={plotH} />
              {OUTCOMES.map(([key]) => {
                const n = p[key];
                if (n === 0) return null;
                const rect = <rect key={key} x={M.left + i * slot + slot * 0.15} width={slot * 0.7} y={y(base + n)} height={y(base) - y(base + n)} fill={fillOf(key)} />;
                base += n;
                return rect;
              })}
              {i % labelEvery === 0 && (
                <text class="axis-label" x={M.left + i * slot + slot / 2} y={HEIGHT - 6} text-anchor="middle">
                  {formatClock(p.time).slice(0, 5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

const LINES = [
  ['p50', ''],
  ['p90', '6 3'],
  ['p99', '2 3'],
] as const;

/** p50 (solid), p90 (dashed) and p99 (dotted) response time per period. */
export function LatencyLines({ points }: { points: Point[] }) {
  const [box, width] = useWidth<HTMLDivElement>(640);
  const plotW = Math.max(50, width - M.left - M.right);
  const plotH = HEIGHT - M.top - M.bottom;
  const top = Math.max(0.001, ...points.map((p) => p.p99 ?? 0)) * 1.1;
  const slot = plotW / Math.max(1, points.length);
  const x = (i: number) => M.left + i * slot + slot / 2;
  const y = (t: number) => M.top + plotH - (t / top) * plotH;
  return (
    <div ref={box} class="chart-box">
      <svg width={width} height={HEIGHT} role="img" aria-label="Response time percentiles per period">
        {niceTicks(0, top, 3).map((t) => (
          <g key={t} class="grid">
            <line x1={M.left} x2={M.left + plotW} y1={y(t)} y2={y(t)} />
            <text x={M.left - 6} y={y(t) + 4} text-anchor="end">
              {formatDuration(t)}
            </text>
          </g>
        ))}
        {LINES.map(([key]) =>
          points.map((p, i) => (p[key] === undefined ? null : <circle key={`${key}${p.time}`} class={`latency-dot line-${key}`} cx={x(i)} cy={y(p[key]!)} r={2.5} />)),
        )}
        {LINES.map(([key, dash]) => (
          <polyline
            key={key}
            class={`latency-line line-${key}`}
            stroke-dasharray={dash}
            points={points.flatMap((p, i) => (p[key] === undefined ? [] : [`${x(i)},${y(p[key]!)}`])).join(' ')}
          />
        ))}
      </svg>
      <span class="chart-legend">
        {LINES.map(([key, dash]) => (
          <span key={key} class="shape-key">
            <svg width="22" height="8" aria-hidden="true">
              <line x1="0" x2="22" y1="4" y2="4" class={`latency-line line-${key}`} stroke-dasharray={dash} />
            </svg>
            {key}
          </span>
        ))}
      </span>
    </div>
  );
}
