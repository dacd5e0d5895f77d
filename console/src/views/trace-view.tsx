import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Trace } from '../../../src/console/model/xray-types.js';
import { getTrace } from '../api/xray-client.js';
import { ErrorNote, Marks } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { formatDateTime, formatDuration } from '../../../src/console/model/format.js';
import { buildWaterfall, type WaterfallRow } from '../../../src/console/model/segment-tree.js';
import { SegmentDetails } from './segment-details.js';
import { WaterfallView } from './waterfall.js';

export interface TraceViewProps {
  id: string;
  live: boolean;
  pollMs: number;
  onBack: () => void;
  onFindTraces: (filter: string) => void;
}

/** One trace: header, the waterfall and the selected row's details. */
export function TraceView({ id, live, pollMs, onBack, onFindTraces }: TraceViewProps) {
  const load = useCallback((signal: AbortSignal) => getTrace(id, signal), [id]);
  const trace = usePoll<Trace | undefined>(load, id, { live, intervalMs: pollMs, active: true });
  const waterfall = useMemo(() => (trace.data === undefined ? undefined : buildWaterfall(trace.data)), [trace.data]);
  const [selected, setSelected] = useState<string | undefined>(undefined);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select') != null) return;
      onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onBack]);

  const rows = waterfall?.rows ?? [];
  const rootCause = useMemo(() => deepestWithException(rows), [rows]);
  const current: WaterfallRow | undefined = rows.find((r) => r.key === selected) ?? rootCause ?? rows[0];
  const flags = {
    fault: rows.some((r) => r.doc.fault === true),
    error: rows.some((r) => r.doc.error === true),
    throttle: rows.some((r) => r.doc.throttle === true),
  };
  const inProgress = rows.some((r) => r.end === undefined);

  return (
    <section class="trace-view" aria-label="Trace">
      <div class="trace-head">
        <button type="button" class="button ghost back" onClick={onBack} title="Back to traces (Esc)">
          ← Traces
        </button>
        <div class="trace-title">
          <h1>
            <span class="muted">Trace</span> <code class="trace-id">{id}</code>
            <CopyButton text={id} />
          </h1>
          {waterfall !== undefined && rows.length > 0 && (
            <div class="trace-meta">
              <span>{formatDateTime(waterfall.start)}</span>
              <span>
                <strong>{formatDuration(trace.data?.Duration ?? waterfall.end - waterfall.start)}</strong>
              </span>
              <span>
                {plural(trace.data?.Segments?.length ?? 0, 'document')} · {plural(rows.length, 'row')}
              </span>
              {inProgress && <span class="pill pill-progress">In progress</span>}
              <Marks {...flags} />
            </div>
          )}
        </div>
      </div>
      {trace.error !== undefined && <ErrorNote error={trace.error} />}
      {trace.data === undefined && trace.error === undefined && !trace.loading && (
        <div class="empty">
          <p class="empty-title">Trace not found</p>
          <p class="muted">The daemon does not hold this trace (any more). Its memory is bounded: old traces are evicted first.</p>
        </div>
      )}
      {waterfall !== undefined && waterfall.unreadable > 0 && (
        <div class="error-note">{waterfall.unreadable} segment document(s) could not be read and are not shown.</div>
      )}
      {rootCause !== undefined && rootCause.exceptions[0] !== undefined && (
        <button type="button" class="root-cause" onClick={() => setSelected(rootCause.key)}>
          <span class={`dot dot-${rootCause.health}`} />
          <strong>{rootCause.exceptions[0].type ?? 'Exception'}</strong>
          <span class="root-cause-message">{rootCause.exceptions[0].message ?? ''}</span>
          <span class="muted">in {rootCause.name}</span>
        </button>
      )}
      {waterfall !== undefined && rows.length > 0 && (
        <div class="trace-body">
          <WaterfallView waterfall={waterfall} selected={current?.key} onSelect={setSelected} />
          {current !== undefined && <SegmentDetails row={current} traceStart={waterfall.start} onFindTraces={onFindTraces} />}
        </div>
      )}
    </section>
  );
}

/** The row a developer wants first: the deepest one holding an exception (closest to the cause). */
function deepestWithException(rows: WaterfallRow[]): WaterfallRow | undefined {
  let best: WaterfallRow | undefined;
  for (const row of rows) {
    if (row.exceptions.length === 0) continue;
    if (best === undefined || row.depth > best.depth) best = row;
  }
  return best;
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      class="button ghost small"
      title="Copy the trace id"
      onClick={() => {
        navigator.clipboard?.writeText(text).then(() => setCopied(true), () => undefined);
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
