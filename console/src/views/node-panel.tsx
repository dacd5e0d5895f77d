import type { HistogramEntry } from '../../../src/console/model/xray-types.js';
import { formatCount, formatDuration, formatPercent } from '../../../src/console/model/format.js';
import type { MapLayout, MapNode } from '../../../src/console/model/map-layout.js';
import { shortType } from './service-map-svg.js';

interface Props {
  node: MapNode | undefined;
  layout: MapLayout;
  onOpenTraces: (serviceName: string) => void;
  onSelect: (key: string) => void;
}

/** Statistics of the selected service node, its neighbours, and the way to its traces. */
export function NodePanel({ node, layout, onOpenTraces, onSelect }: Props) {
  if (node === undefined) {
    return (
      <aside class="details node-panel">
        <p class="muted hint">Select a service (click, or Tab and Enter) to see its statistics and open its traces.</p>
      </aside>
    );
  }
  const { stats, service } = node;
  const isClient = (service.Type ?? '').toLowerCase() === 'client';
  const outgoing = layout.edges.filter((e) => e.from.key === node.key);
  const incoming = layout.edges.filter((e) => e.to.key === node.key);
  const rows: [string, number, string][] = [
    ['OK', stats.ok, 'ok'],
    ['Error (4xx)', stats.error, 'error'],
    ['Throttle (429)', stats.throttle, 'throttle'],
    ['Fault (5xx)', stats.fault, 'fault'],
  ];
  return (
    <aside class="details node-panel" aria-label="Selected service">
      <header class="details-head">
        <div class="details-kind">{isClient ? 'Client' : shortType(service.Type) || 'Service'}</div>
        <h2 title={service.Name}>{service.Name ?? 'Client'}</h2>
        {service.Root === true && <span class="pill pill-neutral">entry point</span>}
      </header>
      {!isClient && (
        <div class="big-numbers">
          <div>
            <div class="big">{formatCount(stats.total)}</div>
            <div class="muted small">requests</div>
          </div>
          <div>
            <div class="big">{formatDuration(stats.average)}</div>
            <div class="muted small">average response</div>
          </div>
        </div>
      )}
      {!isClient && (
        <section class="details-section">
          <h3>Responses</h3>
          <div class="stack-bar" aria-hidden="true">
            {rows.map(([, n, cls]) => (n > 0 ? <span key={cls} class={`bg-${cls}`} style={{ flexGrow: n }} /> : null))}
          </div>
          <table class="stat-table">
            <tbody>
              {rows.map(([label, n, cls]) => (
                <tr key={cls}>
                  <td>
                    <span class={`dot dot-${cls}`} /> {label}
                  </td>
                  <td class="num">{n}</td>
                  <td class="num muted">{formatPercent(n, stats.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {(service.ResponseTimeHistogram?.length ?? 0) > 0 && (
        <section class="details-section">
          <h3>Response time distribution</h3>
          <Histogram entries={service.ResponseTimeHistogram ?? []} />
        </section>
      )}
      {(incoming.length > 0 || outgoing.length > 0) && (
        <section class="details-section">
          <h3>Connections</h3>
          <ul class="connections">
            {incoming.map((e) => (
              <li key={e.key}>
                <button type="button" class="link" onClick={() => onSelect(e.from.key)}>
                  ← {e.from.service.Name ?? 'Client'}
                </button>
                <span class="muted">
                  {formatCount(e.stats.total)} req · {formatDuration(e.stats.average)}
                </span>
              </li>
            ))}
            {outgoing.map((e) => (
              <li key={e.key}>
                <button type="button" class="link" onClick={() => onSelect(e.to.key)}>
                  → {e.to.service.Name ?? '(unnamed)'}
                </button>
                <span class="muted">
                  {formatCount(e.stats.total)} req · {formatDuration(e.stats.average)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!isClient && service.Name !== undefined && (
        <button type="button" class="button primary wide" onClick={() => onOpenTraces(service.Name ?? '')}>
          View traces for {service.Name} →
        </button>
      )}
    </aside>
  );
}

const BINS = 24;

/** Response times on a linear axis from fastest to slowest, counts binned so one sample is one bar, not a wall. */
function Histogram({ entries }: { entries: HistogramEntry[] }) {
  const points = entries.filter((e) => (e.Count ?? 0) > 0 && Number.isFinite(e.Value ?? Number.NaN));
  if (points.length === 0) return null;
  const values = points.map((e) => e.Value ?? 0);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const bins = new Array<number>(BINS).fill(0);
  for (const e of points) {
    const i = max === min ? Math.floor(BINS / 2) : Math.min(BINS - 1, Math.floor((((e.Value ?? 0) - min) / (max - min)) * BINS));
    bins[i] += e.Count ?? 0;
  }
  const top = Math.max(1, ...bins);
  const width = (max - min) / BINS;
  return (
    <div>
      <div class="histogram">
        {bins.map((count, i) => (
          <span
            key={i}
            class={`histogram-bar${count === 0 ? ' empty' : ''}`}
            style={{ height: `${count === 0 ? 0 : Math.max(6, (count / top) * 100)}%` }}
            title={max === min ? `${formatDuration(min)}: ${count}` : `${formatDuration(min + i * width)} – ${formatDuration(min + (i + 1) * width)}: ${count}`}
          />
        ))}
      </div>
      <div class="histogram-axis muted small">
        <span>{formatDuration(min)}</span>
        {max !== min && <span>{formatDuration(max)}</span>}
      </div>
    </div>
  );
}
