import type { HistogramEntry } from '../api/types.js';
import { formatCount, formatDuration, formatPercent } from '../lib/format.js';
import type { MapLayout, MapNode } from '../lib/map-layout.js';
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

function Histogram({ entries }: { entries: HistogramEntry[] }) {
  const sorted = [...entries].filter((e) => (e.Count ?? 0) > 0).sort((a, b) => (a.Value ?? 0) - (b.Value ?? 0)).slice(0, 40);
  const max = Math.max(1, ...sorted.map((e) => e.Count ?? 0));
  return (
    <div class="histogram">
      {sorted.map((e, i) => (
        <span
          key={i}
          class="histogram-bar"
          style={{ height: `${Math.max(4, ((e.Count ?? 0) / max) * 100)}%` }}
          title={`${formatDuration(e.Value)}: ${e.Count ?? 0}`}
        />
      ))}
    </div>
  );
}
