import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getTraceSummaries, type SummaryListing } from '../api/xray-client.js';
import { FilterHelp } from '../components/filter-help.js';
import { ErrorNote } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { formatClock } from '../../../src/console/model/format.js';
import { TIME_RANGES, requestWindow, type TimeRangeKey } from '../../../src/console/model/time-range.js';
import { withResponseTimeRange } from '../../../src/console/model/response-time-range.js';
import { TracesTable } from './traces-table.js';
import { ScatterChart } from '../charts/scatter-chart.js';
import { HistogramChart } from '../charts/histogram-chart.js';
import { usePreference } from '../hooks/use-preference.js';
import { SaveGroup } from '../components/save-group.js';

const EXAMPLES = ['fault', 'error OR throttle', 'responsetime > 1', 'http.status = 404', 'http.url CONTAINS "/api"'];

export interface TracesViewProps {
  active: boolean;
  filter: string;
  range: TimeRangeKey;
  /** A brushed window (epoch seconds) replacing the range while set. */
  window: { from: number; to: number } | undefined;
  /** The picked group's filter expression: GetTraceSummaries has no group parameter, so it is ANDed in. */
  groupFilter?: string;
  live: boolean;
  pollMs: number;
  onFilter: (filter: string) => void;
  onOpen: (id: string) => void;
  onWindow: (window: { from: number; to: number } | undefined) => void;
  /** A group was created from the current filter (CreateGroup). */
  onGroupSaved: (name: string) => void;
}

/** The trace list: filter box, status line and the table; stays mounted (hidden) behind a trace. */
export function TracesView(props: TracesViewProps) {
  const { active, filter, range, window: brushed, groupFilter } = props;
  const [charts, setCharts] = usePreference('xrayd.console.charts', true);
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [filter]);
  const input = useRef<HTMLInputElement>(null);

  // `/` jumps to the filter box, as in most developer tools.
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.target as HTMLElement | null)?.closest('input, textarea, select') != null) return;
      e.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);

  // The first page, shown while the following pages load (a large store takes a while to list).
  const [firstPage, setFirstPage] = useState<SummaryListing | undefined>(undefined);
  const load = useCallback(
    (signal: AbortSignal): Promise<SummaryListing> => {
      setFirstPage(undefined);
      return getTraceSummaries({ ...requestWindow(range, brushed), ...scopedFilter(filter, groupFilter) }, signal, (page) => {
        if (!signal.aborted) setFirstPage(page);
      });
    },
    [filter, range, brushed?.from, brushed?.to, groupFilter],
  );
  const [rejected, setRejected] = useState(false);
  // Polling a filter the API rejected only repeats the same error; resume once the filter changes.
  // A brushed window is fixed in time: nothing new arrives in it, so it is not polled.
  const key = `${range}\n${filter}\n${brushed?.from}-${brushed?.to}\n${groupFilter ?? ''}`;
  const poll = usePoll(load, key, { live: props.live && !rejected && brushed === undefined, intervalMs: props.pollMs, active });
  useEffect(() => setRejected(poll.error instanceof ApiError && poll.error.status === 400), [poll.error]);
  const listing = poll.data ?? (poll.error === undefined ? firstPage : undefined);
  const summaries = listing?.summaries;
  const rangeLabel = brushed !== undefined ? 'selected window' : (TIME_RANGES.find((r) => r.key === range)?.label.toLowerCase() ?? '');

  const apply = (q: string) => {
    if (q === filter) poll.refresh();
    else props.onFilter(q);
  };

  return (
    <section class="traces-view" hidden={!active} aria-label="Traces">
      <form
        class="filter-bar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft.trim());
        }}
      >
        <label class="filter-field">
          <span class="visually-hidden">Filter expression</span>
          <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" class="filter-icon">
            <path d="M3 4h14l-5.5 6.5V16l-3 1.5v-7L3 4z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />
          </svg>
          <input
            type="text"
            name="filter"
            ref={input}
            value={draft}
            spellcheck={false}
            autocomplete="off"
            placeholder='Filter expression, e.g. service("orders") AND responsetime > 0.5   (press / to focus)'
            aria-invalid={poll.error !== undefined && filter !== ''}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && draft !== '') {
                e.stopPropagation();
                setDraft(filter);
              }
            }}
          />
          {filter !== '' && (
            <button type="button" class="clear" aria-label="Clear filter" onClick={() => apply('')}>
              ×
            </button>
          )}
        </label>
        <button type="submit" class="button primary">
          Apply
        </button>
      </form>
      {poll.error !== undefined && <ErrorNote error={poll.error} source={filter === '' ? undefined : filter} />}
      {filter === '' && poll.error === undefined && (
        <div class="examples">
          <span class="muted">Try</span>
          {EXAMPLES.map((q) => (
            <button key={q} type="button" class="chip" onClick={() => apply(q)}>
              {q}
            </button>
          ))}
        </div>
      )}
      <div class="status-line" aria-live="polite" hidden={rejected}>
        {summaries !== undefined && (
          <span>
            <strong>{summaries.length}</strong> {summaries.length === 1 ? 'trace' : 'traces'}
            {poll.data === undefined && listing !== undefined ? ' so far, loading more' : poll.data?.truncated === true ? ' (the newest ones; narrow the filter to see others)' : ''} · {rangeLabel}
          </span>
        )}
        <span class="spacer" />
        {poll.loading && <span class="loading" aria-label="Loading" />}
        {brushed !== undefined && (
          <span class="window-chip">
            Window {formatClock(brushed.from)} – {formatClock(brushed.to)}
            <button type="button" class="link" onClick={() => props.onWindow(undefined)}>
              back to the {TIME_RANGES.find((r) => r.key === range)?.label.toLowerCase()}
            </button>
          </span>
        )}
        {poll.updatedAt !== undefined && poll.error === undefined && <span class="muted">updated {formatClock(poll.updatedAt / 1000)}</span>}
        {filter !== '' && !rejected && <SaveGroup filter={filter} onSaved={props.onGroupSaved} />}
        <button type="button" class="button ghost small" aria-pressed={charts} onClick={() => setCharts(!charts)}>
          {charts ? 'Hide charts' : 'Show charts'}
        </button>
        <button type="button" class="button ghost small" onClick={poll.refresh}>
          Refresh
        </button>
      </div>
      {rejected && filter !== '' && <FilterHelp onPick={apply} />}
      {charts && summaries !== undefined && summaries.length > 0 && (
        <div class="charts">
          <ScatterChart summaries={summaries} onOpen={props.onOpen} onWindow={props.onWindow} />
          <HistogramChart summaries={summaries} onRange={(a, b) => props.onFilter(withResponseTimeRange(filter, a, b))} />
        </div>
      )}
      {summaries !== undefined && summaries.length > 0 && <TracesTable summaries={summaries} active={active} onOpen={props.onOpen} />}
      {summaries !== undefined && summaries.length === 0 && (
        <div class="empty">
          {filter === '' ? (
            <>
              <p class="empty-title">No traces {rangeLabel === 'all time' ? 'yet' : `in the ${rangeLabel}`}</p>
              <p class="muted">
                Point an X-Ray SDK at this daemon (AWS_XRAY_DAEMON_ADDRESS) and send a request; traces appear here within
                seconds.
              </p>
            </>
          ) : (
            <>
              <p class="empty-title">No traces match this filter</p>
              <p class="muted">Try a wider time range, or clear the filter.</p>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** The filter sent: the user's expression, within the group's when a group is picked. */
function scopedFilter(filter: string, groupFilter: string | undefined): { FilterExpression?: string } {
  const parts = [groupFilter, filter].map((f) => f?.trim() ?? '').filter((f) => f !== '');
  if (parts.length === 0) return {};
  return { FilterExpression: parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' AND ') };
}
