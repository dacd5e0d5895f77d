import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Trace } from '../../../src/console/model/xray-types.js';
import { getTrace } from '../api/xray-client.js';
import { ErrorNote, Marks } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { usePreference } from '../hooks/use-preference.js';
import { formatDateTime, formatDuration } from '../../../src/console/model/format.js';
import { buildWaterfall, type WaterfallRow } from '../../../src/console/model/segment-tree.js';
import { criticalPath, type CriticalSection } from '../../../src/console/model/critical-path.js';
import { matchingRows } from '../../../src/console/model/trace-statistics.js';
import { SegmentDetails } from './segment-details.js';
import { StatisticsTable } from './statistics-table.js';
import { WaterfallView } from './waterfall.js';

export interface TraceViewProps {
  id: string;
  live: boolean;
  pollMs: number;
  tab: 'timeline' | 'statistics';
  find: string;
  onTab: (tab: 'timeline' | 'statistics') => void;
  onFind: (text: string) => void;
  onBack: () => void;
  onFindTraces: (filter: string) => void;
  /** Compare with another trace id, or (without one) with the most typical trace of the same URL. */
  onCompare: (other: string | undefined) => void;
}

/** One stored trace, fetched from the daemon (and refreshed while live). */
export function TraceView(props: TraceViewProps) {
  const { id, live, pollMs } = props;
  const load = useCallback((signal: AbortSignal) => getTrace(id, signal), [id]);
  const trace = usePoll<Trace | undefined>(load, id, { live, intervalMs: pollMs, active: true });
  return (
    <TraceDetail {...props} trace={trace.data}>
      {trace.error !== undefined && <ErrorNote error={trace.error} />}
      {trace.data === undefined && trace.error === undefined && !trace.loading && (
        <div class="empty">
          <p class="empty-title">Trace not found</p>
          <p class="muted">The daemon does not hold this trace (any more). Its memory is bounded: old traces are evicted first.</p>
        </div>
      )}
    </TraceDetail>
  );
}

export interface TraceDetailProps {
  id: string;
  trace: Trace | undefined;
  tab: 'timeline' | 'statistics';
  find: string;
  onTab: (tab: 'timeline' | 'statistics') => void;
  onFind: (text: string) => void;
  onBack: () => void;
  backLabel?: string;
  onFindTraces?: (filter: string) => void;
  onCompare?: (other: string | undefined) => void;
  children?: preact.ComponentChildren;
}

/** A trace's header, tools, and the waterfall or the statistics: for stored traces and for traces from a file. */
export function TraceDetail({ id, trace, tab, find, onTab, onFind, onBack, backLabel, onFindTraces, onCompare, children }: TraceDetailProps) {
  const waterfall = useMemo(() => (trace === undefined ? undefined : buildWaterfall(trace)), [trace]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [showPath, setShowPath] = usePreference('xrayd.console.critical-path', true);
  const [findDraft, setFindDraft] = useState(find);
  useEffect(() => setFindDraft(find), [find]);
  // The search follows the typing; the URL is updated once the user pauses.
  useEffect(() => {
    if (findDraft === find) return;
    const timer = setTimeout(() => onFind(findDraft), 250);
    return () => clearTimeout(timer);
  }, [findDraft]);

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
  const path = useMemo(() => (waterfall === undefined ? undefined : criticalPath(waterfall)), [waterfall]);
  const critical = useMemo(() => {
    const byKey = new Map<string, CriticalSection[]>();
    for (const section of path?.sections ?? []) byKey.set(section.key, [...(byKey.get(section.key) ?? []), section]);
    return byKey;
  }, [path]);
  const matches = useMemo(() => (waterfall === undefined ? new Set<string>() : matchingRows(waterfall, findDraft)), [waterfall, findDraft]);
  const current: WaterfallRow | undefined = rows.find((r) => r.key === selected) ?? rootCause ?? rows[0];
  const flags = {
    fault: rows.some((r) => r.doc.fault === true),
    error: rows.some((r) => r.doc.error === true),
    throttle: rows.some((r) => r.doc.throttle === true),
  };
  const inProgress = rows.some((r) => r.end === undefined);
  const [other, setOther] = useState('');

  return (
    <section class="trace-view" aria-label="Trace">
      <div class="trace-head">
        <button type="button" class="button ghost back" onClick={onBack} title="Back (Esc)">
          ← {backLabel ?? 'Traces'}
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
                <strong>{formatDuration(trace?.Duration ?? waterfall.end - waterfall.start)}</strong>
              </span>
              <span>
                {plural(trace?.Segments?.length ?? 0, 'document')} · {plural(rows.length, 'row')}
              </span>
              {inProgress && <span class="pill pill-progress">In progress</span>}
              <Marks {...flags} />
            </div>
          )}
        </div>
      </div>
      {children}
      {waterfall !== undefined && waterfall.unreadable > 0 && (
        <div class="error-note">{waterfall.unreadable} segment document(s) could not be read and are not shown.</div>
      )}
      {rootCause !== undefined && rootCause.exceptions[0] !== undefined && tab === 'timeline' && (
        <button type="button" class="root-cause" onClick={() => setSelected(rootCause.key)}>
          <span class={`dot dot-${rootCause.health}`} />
          <strong>{rootCause.exceptions[0].type ?? 'Exception'}</strong>
          <span class="root-cause-message">{rootCause.exceptions[0].message ?? ''}</span>
          <span class="muted">in {rootCause.name}</span>
        </button>
      )}
      {waterfall !== undefined && rows.length > 0 && (
        <div class="trace-tools">
          <span class="segmented" role="group" aria-label="Trace view">
            <button type="button" aria-pressed={tab === 'timeline'} onClick={() => onTab('timeline')}>
              Timeline
            </button>
            <button type="button" aria-pressed={tab === 'statistics'} onClick={() => onTab('statistics')}>
              Statistics
            </button>
          </span>
          <label class="find-field">
            <span class="visually-hidden">Find in this trace</span>
            <svg viewBox="0 0 20 20" width="14" height="14" aria-hidden="true">
              <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" stroke-width="1.6" />
              <path d="M13 13l4 4" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
            </svg>
            <input
              type="search"
              name="find"
              placeholder="Find in trace: name, service, id, URL"
              value={findDraft}
              onInput={(e) => setFindDraft(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && findDraft !== '') {
                  e.stopPropagation();
                  setFindDraft('');
                }
              }}
            />
          </label>
          {findDraft.trim() !== '' && (
            <span class="muted small" aria-live="polite">
              {plural(matches.size, 'matching row')}
            </span>
          )}
          {tab === 'timeline' && (
            <>
              <label class="cp-toggle">
                <input type="checkbox" checked={showPath} onChange={(e) => setShowPath(e.currentTarget.checked)} />
                Critical path
              </label>
              {showPath && path !== undefined && (
                <span class="cp-legend" title="The chain of work the trace's end-to-end latency waited on: walking back from the root's end through the child that finished last">
                  <span class="swatch" aria-hidden="true" /> ◆ rows the end-to-end latency waited on ({path.keys.size})
                </span>
              )}
            </>
          )}
          <span class="spacer" />
          {onCompare !== undefined && (
            <form
              class="compare-box"
              onSubmit={(e) => {
                e.preventDefault();
                onCompare(other.trim() === '' ? undefined : other.trim());
              }}
            >
              <label>
                <span class="visually-hidden">Trace id to compare with</span>
                <input name="compare-with" value={other} placeholder="trace id (empty: most typical)" onInput={(e) => setOther(e.currentTarget.value)} />
              </label>
              <button type="submit" class="button small">
                Compare
              </button>
            </form>
          )}
        </div>
      )}
      {waterfall !== undefined && rows.length > 0 && tab === 'timeline' && (
        <div class="trace-body">
          <WaterfallView waterfall={waterfall} selected={current?.key} onSelect={setSelected} critical={showPath ? critical : undefined} matches={matches} />
          {current !== undefined && <SegmentDetails row={current} traceStart={waterfall.start} onFindTraces={onFindTraces ?? (() => undefined)} />}
        </div>
      )}
      {waterfall !== undefined && rows.length > 0 && tab === 'statistics' && <StatisticsTable waterfall={waterfall} matches={matches} />}
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
