import { ResponseHistogram, ResponseStats } from '../components/response-stats.js';
import { formatCount, formatDuration } from '../../../src/console/model/format.js';
import type { MapLayout, MapNode } from '../../../src/console/model/map-layout.js';
import { shortType } from './service-map-svg.js';

interface Props {
  node: MapNode | undefined;
  layout: MapLayout;
  onOpenTraces: (serviceName: string) => void;
  onSelect: (key: string) => void;
  /** Opens the service's health page (request rate, error rates, percentiles). */
  onOpenHealth?: (serviceName: string) => void;
}

/** Statistics of the selected service node, its neighbours, and the way to its traces. */
export function NodePanel({ node, layout, onOpenTraces, onSelect, onOpenHealth }: Props) {
  if (node === undefined) {
    return (
      <aside class="details node-panel">
        <p class="muted hint">Select a service or an edge (click, or Tab and Enter) to see its statistics; a service's traces are one click away.</p>
      </aside>
    );
  }
  const { stats, service } = node;
  const isClient = (service.Type ?? '').toLowerCase() === 'client';
  const outgoing = layout.edges.filter((e) => e.from.key === node.key);
  const incoming = layout.edges.filter((e) => e.to.key === node.key);
  return (
    <aside class="details node-panel" aria-label="Selected service">
      <header class="details-head">
        <div class="details-kind">{isClient ? 'Client' : shortType(service.Type) || 'Service'}</div>
        <h2 title={service.Name}>{service.Name ?? 'Client'}</h2>
        {service.Root === true && <span class="pill pill-neutral">entry point</span>}
      </header>
      {!isClient && <ResponseStats stats={stats} />}
      <ResponseHistogram entries={service.ResponseTimeHistogram} />
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
      {!isClient && service.Name !== undefined && onOpenHealth !== undefined && (
        <button type="button" class="button wide health-link" onClick={() => onOpenHealth(service.Name ?? '')}>
          Service health of {service.Name}
        </button>
      )}
    </aside>
  );
}
