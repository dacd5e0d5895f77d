import { ResponseHistogram, ResponseStats } from '../components/response-stats.js';
import { edgeFilter } from '../../../src/console/model/filter-text.js';
import type { MapEdge } from '../../../src/console/model/map-layout.js';

interface Props {
  edge: MapEdge;
  onOpenTraces: (filter: string) => void;
  onSelect: (key: string) => void;
}

/** Statistics of the calls along one edge, as the calling side measured them. */
export function EdgePanel({ edge, onOpenTraces, onSelect }: Props) {
  const from = edge.from.service.Name ?? 'Client';
  const to = edge.to.service.Name ?? '(unnamed)';
  const fromClient = (edge.from.service.Type ?? '').toLowerCase() === 'client';
  return (
    <aside class="details node-panel" aria-label="Selected edge">
      <header class="details-head">
        <div class="details-kind">Edge</div>
        <h2>
          <button type="button" class="link" onClick={() => onSelect(edge.from.key)}>
            {from}
          </button>{' '}
          →{' '}
          <button type="button" class="link" onClick={() => onSelect(edge.to.key)}>
            {to}
          </button>
        </h2>
      </header>
      <ResponseStats stats={edge.stats} />
      <ResponseHistogram entries={edge.edge.ResponseTimeHistogram} />
      {!fromClient && edge.from.service.Name !== undefined && edge.to.service.Name !== undefined && (
        <button type="button" class="button primary wide" onClick={() => onOpenTraces(edgeFilter(from, to))}>
          View traces through this edge →
        </button>
      )}
    </aside>
  );
}
