import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { HttpStatus } from '../components/marks.js';
import { formatDuration } from '../../../src/console/model/format.js';
import type { Waterfall, WaterfallRow } from '../../../src/console/model/segment-tree.js';
import type { CriticalSection } from '../../../src/console/model/critical-path.js';

interface Props {
  waterfall: Waterfall;
  selected: string | undefined;
  onSelect: (key: string) => void;
  /** The critical path's sections per row key; absent when the path is not shown. */
  critical?: Map<string, CriticalSection[]>;
  /** Rows matching the search within the trace. */
  matches?: Set<string>;
}

const INDENT_PX = 14;
const MAX_INDENT_LEVELS = 16;
/** Every row is exactly this tall (trace.css), which is what lets the list render only the rows in view. */
const ROW_PX = 30;
const HEADER_PX = 32;
const OVERSCAN_ROWS = 12;

/**
 * Segments and subsegments on one time axis; collapsible, navigable with the arrow keys. Only the
 * rows in view (plus a margin) are in the DOM, so a trace of 10,000 rows opens and scrolls as fast
 * as one of ten.
 */
export function WaterfallView({ waterfall, selected, onSelect, critical, matches }: Props) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const list = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 900 });
  const pendingFocus = useRef<string | undefined>(undefined);

  useLayoutEffect(() => {
    const el = list.current;
    if (el === null) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight || 900 });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const span = Math.max(waterfall.end - waterfall.start, 1e-6);
  const ticks = axisTicks(span);
  // Faint gridlines under the bars at the axis ticks, drawn by CSS from the tick spacing.
  const gridPct = ticks.length > 1 ? (ticks[1]! / span) * 100 : 100;

  const visible = useMemo(() => {
    const out: WaterfallRow[] = [];
    let hideDeeperThan = Number.POSITIVE_INFINITY;
    for (const row of waterfall.rows) {
      if (row.depth > hideDeeperThan) continue;
      hideDeeperThan = collapsed.has(row.key) ? row.depth : Number.POSITIVE_INFINITY;
      out.push(row);
    }
    return out;
  }, [waterfall, collapsed]);

  const toggle = (key: string, open?: boolean) =>
    setCollapsed((c) => {
      const next = new Set(c);
      const shouldOpen = open ?? next.has(key);
      if (shouldOpen) next.delete(key);
      else next.add(key);
      return next;
    });

  /** Scrolls the row at `index` into view (it may not be rendered yet). */
  const reveal = (index: number) => {
    const el = list.current;
    if (el === null || index < 0) return;
    const top = index * ROW_PX;
    const bottom = top + ROW_PX + HEADER_PX;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
    setViewport({ top: el.scrollTop, height: el.clientHeight || 900 });
  };

  const focusRow = (key: string) => {
    onSelect(key);
    pendingFocus.current = key;
    reveal(visible.findIndex((r) => r.key === key));
  };

  // Focus lands once the row is rendered (after a scroll it may not have been).
  useLayoutEffect(() => {
    const key = pendingFocus.current;
    if (key === undefined) return;
    const row = list.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    if (row != null) {
      pendingFocus.current = undefined;
      row.focus({ preventScroll: true });
    }
  });

  // A selection made elsewhere (the root cause, the statistics table) is scrolled into view.
  const selectedIndex = visible.findIndex((r) => r.key === selected);
  useEffect(() => reveal(selectedIndex), [selected]);

  // Opened from the keyboard, the user keeps going with the arrow keys: start on the selected row.
  useEffect(() => {
    if (document.activeElement !== document.body && document.activeElement !== null) return;
    pendingFocus.current = selected ?? visible[0]?.key;
    reveal(Math.max(0, selectedIndex));
  }, []);

  const first = Math.max(0, Math.floor((viewport.top - HEADER_PX) / ROW_PX) - OVERSCAN_ROWS);
  const last = Math.min(visible.length, Math.ceil((viewport.top + viewport.height) / ROW_PX) + OVERSCAN_ROWS);

  const onKey = (e: KeyboardEvent, row: WaterfallRow, index: number) => {
    const go = (i: number) => {
      const target = visible[Math.max(0, Math.min(visible.length - 1, i))];
      if (target !== undefined) focusRow(target.key);
    };
    if (e.key === 'ArrowDown' || e.key === 'j') go(index + 1);
    else if (e.key === 'ArrowUp' || e.key === 'k') go(index - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(visible.length - 1);
    else if (e.key === 'ArrowLeft' && row.hasChildren && !collapsed.has(row.key)) toggle(row.key, false);
    else if (e.key === 'ArrowRight' && row.hasChildren && collapsed.has(row.key)) toggle(row.key, true);
    else if (e.key === 'Enter' || e.key === ' ') onSelect(row.key);
    else return;
    e.preventDefault();
  };

  return (
    <div
      class="waterfall"
      role="tree"
      aria-label="Trace timeline"
      ref={list}
      style={{ '--grid-step': `${gridPct}%` }}
      onScroll={(e) => setViewport({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight || 900 })}
    >
      <div class="wf-header" aria-hidden="true">
        <div class="wf-name">Name</div>
        <div class="wf-axis">
          {ticks.map((t) => (
            <span key={t} class="tick" style={{ left: `${(t / span) * 100}%` }}>
              {tickLabel(t)}
            </span>
          ))}
        </div>
      </div>
      <div style={{ height: `${first * ROW_PX}px` }} aria-hidden="true" />
      {visible.slice(first, last).map((row, offset) => {
        const index = first + offset;
        const sections = critical?.get(row.key);
        const left = ((row.start - waterfall.start) / span) * 100;
        const end = row.end ?? waterfall.end;
        const width = Math.max(((end - row.start) / span) * 100, 0);
        const status = row.doc.http?.response?.status;
        const detail = describe(row);
        const isSelected = row.key === selected;
        return (
          <div
            key={row.key}
            data-key={row.key}
            class={`wf-row health-${row.health}${row.isSegment ? ' is-segment' : ''}${row.inferred ? ' inferred' : ''}${isSelected ? ' selected' : ''}${sections !== undefined ? ' critical' : ''}${matches?.has(row.key) === true ? ' match' : ''}`}
            role="treeitem"
            aria-level={row.depth + 1}
            aria-posinset={index + 1}
            aria-setsize={visible.length}
            aria-selected={isSelected}
            aria-expanded={row.hasChildren ? !collapsed.has(row.key) : undefined}
            tabIndex={isSelected || (selected === undefined && index === 0) ? 0 : -1}
            title={`${row.name}: starts at +${formatDuration(row.start - waterfall.start)}, ${row.end === undefined ? 'in progress' : `takes ${formatDuration(row.end - row.start)}`}`}
            onClick={() => onSelect(row.key)}
            onKeyDown={(e) => onKey(e, row, index)}
          >
            <div class="wf-name" style={{ paddingLeft: `${8 + Math.min(row.depth, MAX_INDENT_LEVELS) * INDENT_PX}px` }}>
              {row.hasChildren ? (
                <button
                  type="button"
                  class="twisty"
                  tabIndex={-1}
                  aria-label={collapsed.has(row.key) ? 'Expand' : 'Collapse'}
                  onClick={(e) => {
                    e.stopPropagation();
                    toggle(row.key);
                  }}
                >
                  {collapsed.has(row.key) ? '▸' : '▾'}
                </button>
              ) : (
                <span class="twisty" />
              )}
              {sections !== undefined && (
                <span class="cp-mark" title="On the critical path">
                  <span class="visually-hidden">critical path: </span>
                </span>
              )}
              <span class="wf-label" title={row.name}>
                {row.name}
              </span>
              {matches?.has(row.key) === true && <span class="visually-hidden"> (matches the search)</span>}
              {row.inferred && (
                <span class="pill pill-neutral" title="Inferred from the caller's subsegment: this service sent no segment">
                  inferred
                </span>
              )}
              {row.exceptions.length > 0 && (
                <span class="exc-mark" title="Has an exception">
                  !
                </span>
              )}
              {detail !== '' && <span class="wf-detail">{detail}</span>}
              {typeof status === 'number' && <HttpStatus status={status} />}
            </div>
            <div class="wf-track">
              <div
                class={`wf-bar${row.end === undefined ? ' in-progress' : ''}`}
                style={{ left: `${left}%`, width: `max(2px, ${width}%)` }}
              />
              {sections?.map((c) => (
                <span
                  key={c.start}
                  class="wf-critical"
                  style={{ left: `${((c.start - waterfall.start) / span) * 100}%`, width: `max(2px, ${((c.end - c.start) / span) * 100}%)` }}
                />
              ))}
              <span class={`wf-duration${placement(left, width) === 'inside' ? ' inside' : ''}`} style={labelStyle(left, width)}>
                {row.end === undefined ? 'in progress' : formatDuration(row.end - row.start)}
              </span>
            </div>
          </div>
        );
      })}
      <div style={{ height: `${Math.max(0, visible.length - last) * ROW_PX}px` }} aria-hidden="true" />
    </div>
  );
}

/** Round tick values (1, 2, 5 × 10^n seconds), about five across the trace, none crowding its end. */
function axisTicks(span: number): number[] {
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let i = 0; i * step <= span * 0.92 && ticks.length < 12; i++) ticks.push(i * step);
  return ticks;
}

/** Tick values are round already: print them without the padding formatDuration adds. */
function tickLabel(t: number): string {
  if (t === 0) return '0';
  if (t < 1) return `${Number((t * 1000).toFixed(3))} ms`;
  if (t < 60) return `${Number(t.toFixed(3))} s`;
  return formatDuration(t);
}

/** Where a bar's duration goes: after it, inside it (wide bars) or before it (bars at the far right). */
function placement(left: number, width: number): 'after' | 'inside' | 'before' {
  if (left + width <= 82) return 'after';
  if (width >= 14) return 'inside';
  return 'before';
}

function labelStyle(left: number, width: number): Record<string, string> {
  switch (placement(left, width)) {
    case 'after':
      return { left: `calc(${left + width}% + 6px)` };
    case 'inside':
      return { right: `calc(${100 - left - width}% + 6px)` };
    default:
      return { right: `calc(${100 - left}% + 6px)` };
  }
}

/** The short "what is this" after the name: AWS operation, HTTP method, SQL database. */
function describe(row: WaterfallRow): string {
  const aws = row.doc.aws;
  if (aws !== undefined && typeof aws.operation === 'string') return aws.operation;
  const method = row.doc.http?.request?.method;
  if (!row.isSegment && typeof method === 'string') return method;
  const sql = row.doc.sql;
  if (sql !== undefined && typeof sql.database_type === 'string') return sql.database_type;
  return '';
}
