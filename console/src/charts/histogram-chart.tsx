import { useMemo, useRef, useState } from 'preact/hooks';
import type { TraceSummary } from '../../../src/console/model/xray-types.js';
import { formatDuration } from '../../../src/console/model/format.js';
import { responseTimeHistogram } from '../../../src/console/model/response-time-range.js';

interface Props {
  summaries: TraceSummary[];
  /** A selected response-time range, seconds. */
  onRange: (from: number, to: number) => void;
}

const BINS = 20;

/**
 * The response-time distribution of the listed traces (X-Ray Analytics' chart). Drag across bars,
 * or click one (Shift+click extends), to filter the list to that range. Keyboard: Tab to a bar,
 * Shift+←/→ widen the selection, Enter applies it.
 */
export function HistogramChart({ summaries, onRange }: Props) {
  const bins = useMemo(() => responseTimeHistogram(summaries, BINS), [summaries]);
  const [selection, setSelection] = useState<{ from: number; to: number } | undefined>(undefined);
  const dragging = useRef(false);
  const top = Math.max(1, ...bins.map((b) => b.count));
  const lo = selection === undefined ? -1 : Math.min(selection.from, selection.to);
  const hi = selection === undefined ? -1 : Math.max(selection.from, selection.to);
  const bar = useRef<HTMLDivElement>(null);

  const apply = (from: number, to: number) => {
    const a = bins[Math.min(from, to)];
    const b = bins[Math.max(from, to)];
    setSelection(undefined);
    if (a !== undefined && b !== undefined) onRange(a.from, b.to);
  };
  const focusBar = (i: number) => bar.current?.querySelector<HTMLElement>(`[data-bin="${i}"]`)?.focus();

  if (bins.length === 0) return null;
  return (
    <figure class="chart histogram-chart">
      <figcaption>
        <span class="chart-title">Response time distribution</span>
        <span class="muted small">{selection === undefined ? 'drag or click to filter' : `${formatDuration(bins[lo].from)} – ${formatDuration(bins[hi].to)}: Enter to filter`}</span>
      </figcaption>
      <div
        class="hist-bars"
        ref={bar}
        role="group"
        aria-label="Response time distribution"
        onPointerUp={() => {
          if (dragging.current && selection !== undefined) apply(selection.from, selection.to);
          dragging.current = false;
        }}
        onPointerLeave={() => {
          if (dragging.current) setSelection(undefined);
          dragging.current = false;
        }}
      >
        {bins.map((b, i) => (
          <button
            key={i}
            type="button"
            data-bin={i}
            class={`hist-bar${i >= lo && i <= hi ? ' selected' : ''}`}
            aria-pressed={i >= lo && i <= hi}
            aria-label={`${formatDuration(b.from)} to ${formatDuration(b.to)}: ${b.count} ${b.count === 1 ? 'trace' : 'traces'}`}
            title={`${formatDuration(b.from)} – ${formatDuration(b.to)}: ${b.count}`}
            onPointerDown={(e) => {
              if (e.button !== 0) return;
              e.preventDefault();
              dragging.current = true;
              setSelection(e.shiftKey && selection !== undefined ? { from: selection.from, to: i } : { from: i, to: i });
            }}
            onPointerEnter={() => dragging.current && selection !== undefined && setSelection({ from: selection.from, to: i })}
            onKeyDown={(e) => {
              if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && e.shiftKey) {
                const next = Math.max(0, Math.min(bins.length - 1, i + (e.key === 'ArrowRight' ? 1 : -1)));
                setSelection({ from: selection?.from ?? i, to: next });
                focusBar(next);
              } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                focusBar(Math.max(0, Math.min(bins.length - 1, i + (e.key === 'ArrowRight' ? 1 : -1))));
              } else if (e.key === 'Enter' || e.key === ' ') apply(selection?.from ?? i, selection?.to ?? i);
              else if (e.key === 'Escape' && selection !== undefined) {
                e.stopPropagation();
                setSelection(undefined);
              } else return;
              e.preventDefault();
            }}
          >
            <span class="hist-fill" style={{ height: `${b.count === 0 ? 0 : Math.max(4, (b.count / top) * 100)}%` }} />
          </button>
        ))}
      </div>
      <div class="hist-axis muted small">
        <span>0</span>
        <span>{formatDuration(bins[Math.floor(bins.length / 2)].from)}</span>
        <span>{formatDuration(bins[bins.length - 1].to)}</span>
      </div>
    </figure>
  );
}
