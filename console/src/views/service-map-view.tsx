import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getServiceGraph } from '../api/xray-client.js';
import { ErrorNote } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { serviceFilter } from '../../../src/console/model/filter-text.js';
import { formatClock } from '../../../src/console/model/format.js';
import { layoutServiceMap } from '../../../src/console/model/map-layout.js';
import { requestWindow, type TimeRangeKey } from '../../../src/console/model/time-range.js';
import { EdgePanel } from './edge-panel.js';
import { NodePanel } from './node-panel.js';
import { ServiceMapSvg } from './service-map-svg.js';

export interface ServiceMapViewProps {
  range: TimeRangeKey;
  live: boolean;
  pollMs: number;
  onOpenTraces: (filter: string) => void;
  onBack: () => void;
  /** A brushed window, replacing the range. */
  window?: { from: number; to: number };
  /** The X-Ray group scoping the graph (GetServiceGraph's GroupName). */
  group?: string;
  onOpenHealth?: (serviceName: string) => void;
  /** A service to select once the map is drawn (an insight's root cause). */
  highlight?: string;
  /** Embedded in another view: no status line of its own. */
  compact?: boolean;
}

/** The service map with a side panel for the selected node. */
export function ServiceMapView({ range, live, pollMs, onOpenTraces, onBack, window: brushed, group, onOpenHealth, highlight, compact }: ServiceMapViewProps) {
  const load = useCallback(
    (signal: AbortSignal) => getServiceGraph({ ...requestWindow(range, brushed), ...(group === undefined ? {} : { GroupName: group }) }, signal),
    [range, brushed?.from, brushed?.to, group],
  );
  const graph = usePoll(load, `${range}\n${brushed?.from}-${brushed?.to}\n${group ?? ''}`, { live, intervalMs: pollMs, active: true });
  const layout = useMemo(() => (graph.data === undefined ? undefined : layoutServiceMap(graph.data)), [graph.data]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const highlightKey = layout?.nodes.find((n) => n.service.Name === highlight && n.service.Type !== 'client')?.key;
  useEffect(() => {
    if (highlightKey !== undefined) setSelected(highlightKey);
  }, [highlightKey]);
  const node = layout?.nodes.find((n) => n.key === selected);
  const edge = layout?.edges.find((e) => e.key === selected);
  const canvas = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState<{ width: number; height: number } | undefined>(undefined);

  useEffect(() => {
    const el = canvas.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setBox({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // Shrink a large map to fit the window (down to half size, then scroll); never blow a small one up.
  const fit = layout === undefined || box === undefined ? 1 : Math.max(0.5, Math.min(1, (box.width - 24) / layout.width, (box.height - 24) / layout.height));
  const [zoom, setZoom] = useState<number | undefined>(undefined);
  const scale = zoom ?? fit;
  const zoomBy = (factor: number) => setZoom(Math.min(2.5, Math.max(0.25, Math.round(scale * factor * 100) / 100)));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if ((e.target as HTMLElement | null)?.closest('input, textarea, select') != null) return;
      if (selected !== undefined) setSelected(undefined);
      else onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected, onBack]);

  return (
    <section class={`map-view${compact === true ? ' compact' : ''}`} aria-label="Service map">
      <div class="status-line" hidden={compact === true}>
        {layout !== undefined && (
          <span>
            <strong>{layout.nodes.length}</strong> {layout.nodes.length === 1 ? 'node' : 'nodes'} · <strong>{layout.edges.length}</strong>{' '}
            {layout.edges.length === 1 ? 'edge' : 'edges'}
          </span>
        )}
        <span class="legend" aria-label="Legend">
          <span class="legend-item"><span class="dot dot-ok" />OK</span>
          <span class="legend-item"><span class="dot dot-error" />Error (4xx)</span>
          <span class="legend-item"><span class="dot dot-throttle" />Throttle (429)</span>
          <span class="legend-item"><span class="dot dot-fault" />Fault (5xx)</span>
        </span>
        <span class="spacer" />
        {graph.loading && <span class="loading" aria-label="Loading" />}
        {graph.updatedAt !== undefined && <span class="muted">updated {formatClock(graph.updatedAt / 1000)}</span>}
        <span class="zoom" role="group" aria-label="Zoom">
          <button type="button" class="button ghost small" aria-label="Zoom out" onClick={() => zoomBy(1 / 1.25)}>
            −
          </button>
          <button type="button" class="button ghost small" title="Fit the map to the window" onClick={() => setZoom(undefined)}>
            {Math.round(scale * 100)}%
          </button>
          <button type="button" class="button ghost small" aria-label="Zoom in" onClick={() => zoomBy(1.25)}>
            +
          </button>
        </span>
        <button type="button" class="button ghost small" onClick={graph.refresh}>
          Refresh
        </button>
      </div>
      {graph.error !== undefined && <ErrorNote error={graph.error} />}
      <div class="map-body">
        <div class="map-canvas" ref={canvas}>
          {layout !== undefined && layout.nodes.length > 0 && <ServiceMapSvg layout={layout} scale={scale} selected={selected} onSelect={setSelected} />}
          {layout !== undefined && layout.nodes.length === 0 && (
            <div class="empty">
              <p class="empty-title">No services in this time range</p>
              <p class="muted">The map is built from the segments the daemon received; send some traffic or widen the range.</p>
            </div>
          )}
        </div>
        {layout !== undefined && layout.nodes.length > 0 && (
          edge !== undefined ? (
            <EdgePanel edge={edge} onOpenTraces={onOpenTraces} onSelect={setSelected} />
          ) : (
            <NodePanel node={node} layout={layout} onOpenTraces={(name) => onOpenTraces(serviceFilter(name))} onSelect={setSelected} onOpenHealth={onOpenHealth} />
          )
        )}
      </div>
    </section>
  );
}
