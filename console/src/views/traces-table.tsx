import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TraceSummary } from '../../../src/console/model/xray-types.js';
import { HttpStatus, Marks } from '../components/marks.js';
import { formatAgo, formatDuration, formatWhen, traceIdTime } from '../../../src/console/model/format.js';
import { healthOf } from '../../../src/console/model/health.js';

interface Props {
  summaries: TraceSummary[];
  active: boolean;
  onOpen: (id: string) => void;
}

interface Anchor {
  id: string;
  offset: number;
}

const startOf = (s: TraceSummary): number => s.StartTime ?? traceIdTime(s.Id) ?? 0;

/**
 * The list, newest first. Rows are keyed by trace id so a live refresh keeps the DOM (and with
 * it focus); when the user has scrolled, the row at the top of the view stays put while new
 * traces arrive above it.
 */
export function TracesTable({ summaries, active, onOpen }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const seen = useRef<Set<string> | undefined>(undefined);
  const anchor = useRef<Anchor | undefined>(undefined);
  const previous = useRef<TraceSummary[] | undefined>(undefined);

  const rows = useMemo(() => [...summaries].sort((a, b) => startOf(b) - startOf(a)), [summaries]);
  const maxTime = useMemo(() => Math.max(0.001, ...rows.map((s) => s.ResponseTime ?? s.Duration ?? 0)), [rows]);

  // Measured during render, i.e. before the DOM changes: which row sits at the top of the view.
  if (previous.current !== summaries) {
    previous.current = summaries;
    anchor.current = measureAnchor(scroller.current);
  }
  useLayoutEffect(() => {
    const el = scroller.current;
    const a = anchor.current;
    anchor.current = undefined;
    if (el === null || a === undefined) return;
    const row = el.querySelector<HTMLElement>(`[data-id="${CSS.escape(a.id)}"]`);
    if (row !== null) el.scrollTop = row.offsetTop - a.offset;
  }, [summaries]);

  const fresh = useMemo(() => {
    const before = seen.current;
    seen.current = new Set(rows.map((s) => s.Id));
    return before === undefined ? new Set<string>() : new Set(rows.filter((s) => !before.has(s.Id)).map((s) => s.Id));
  }, [rows]);

  const current = cursor !== undefined && rows.some((s) => s.Id === cursor) ? cursor : rows[0]?.Id;

  // Coming back from a trace: focus the row the user opened.
  useEffect(() => {
    if (!active || cursor === undefined) return;
    scroller.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(cursor)}"]`)?.focus({ preventScroll: false });
  }, [active]);

  const move = (from: string, delta: number) => {
    const index = rows.findIndex((s) => s.Id === from);
    const next = rows[Math.min(rows.length - 1, Math.max(0, index + delta))];
    if (next === undefined) return;
    setCursor(next.Id);
    scroller.current?.querySelector<HTMLElement>(`[data-id="${CSS.escape(next.Id)}"]`)?.focus();
  };

  return (
    <div class="table-scroll" ref={scroller}>
      <table class="traces-table" role="grid" aria-label="Traces, newest first" aria-readonly="true">
        <thead>
          <tr>
            <th class="col-health" aria-label="Health" />
            <th class="col-time">Time</th>
            <th class="col-method">Method</th>
            <th class="col-url">URL</th>
            <th class="col-status">Status</th>
            <th class="col-duration">Response time</th>
            <th class="col-service">Service</th>
            <th class="col-id">Trace ID</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => {
            const start = startOf(s);
            const time = s.ResponseTime ?? s.Duration;
            const health = healthOf({ fault: s.HasFault, error: s.HasError, throttle: s.HasThrottle });
            const url = s.Http?.HttpURL;
            return (
              <tr
                key={s.Id}
                data-id={s.Id}
                class={`trace-row health-${health}${fresh.has(s.Id) ? ' fresh' : ''}`}
                tabIndex={s.Id === current ? 0 : -1}
                aria-selected={s.Id === cursor}
                onClick={() => {
                  setCursor(s.Id);
                  onOpen(s.Id);
                }}
                onFocus={() => setCursor(s.Id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onOpen(s.Id);
                  } else if (e.key === 'ArrowDown' || e.key === 'j') {
                    e.preventDefault();
                    move(s.Id, 1);
                  } else if (e.key === 'ArrowUp' || e.key === 'k') {
                    e.preventDefault();
                    move(s.Id, -1);
                  } else if (e.key === 'Home' || e.key === 'End') {
                    e.preventDefault();
                    move(s.Id, e.key === 'Home' ? -rows.length : rows.length);
                  }
                }}
              >
                <td class="col-health">
                  <span class={`dot dot-${health}`} />
                </td>
                <td class="col-time" title={new Date(start * 1000).toString()}>
                  <span class="clock">{formatWhen(start)}</span>
                  {Date.now() / 1000 - start < 86400 && <span class="ago">{formatAgo(start)}</span>}
                </td>
                <td class="col-method">{s.Http?.HttpMethod !== undefined ? <span class="method">{s.Http.HttpMethod}</span> : <span class="muted">–</span>}</td>
                <td class="col-url" title={url}>
                  <UrlText url={url} />
                </td>
                <td class="col-status">
                  <HttpStatus status={s.Http?.HttpStatus} />
                  <Marks fault={s.HasFault} error={s.HasError} throttle={s.HasThrottle} />
                </td>
                <td class="col-duration" title={`Response time ${formatDuration(s.ResponseTime)} · trace duration ${formatDuration(s.Duration)}`}>
                  <span class="duration-track" aria-hidden="true">
                    <span class="duration-bar" style={{ width: `${Math.max(4, ((time ?? 0) / maxTime) * 100)}%` }} />
                  </span>
                  <span class="num">{formatDuration(time)}</span>
                </td>
                <td class="col-service" title={(s.ServiceIds ?? []).map((x) => x.Name ?? '').join(', ')}>
                  {s.EntryPoint?.Name ?? s.ServiceIds?.[0]?.Name ?? ''}
                  {(s.ServiceIds?.length ?? 0) > 1 && <span class="more"> +{(s.ServiceIds?.length ?? 1) - 1}</span>}
                </td>
                <td class="col-id">
                  <a href={`#/traces/${encodeURIComponent(s.Id)}`} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
                    {s.Id.slice(2, 10)}…{s.Id.slice(-6)}
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Host muted, path prominent: the path is what tells requests apart on a laptop. */
function UrlText({ url }: { url: string | undefined }) {
  if (url === undefined || url === '') return <span class="muted">–</span>;
  const match = /^(https?:\/\/[^/]+)(.*)$/i.exec(url);
  if (match === null) return <span class="url-path">{url}</span>;
  return (
    <>
      <span class="url-host">{match[1]}</span>
      <span class="url-path">{match[2] === '' ? '/' : match[2]}</span>
    </>
  );
}

function measureAnchor(el: HTMLDivElement | null): Anchor | undefined {
  if (el === null || el.scrollTop <= 0) return undefined;
  const header = el.querySelector('thead')?.getBoundingClientRect().height ?? 0;
  for (const row of el.querySelectorAll<HTMLElement>('tr[data-id]')) {
    if (row.offsetTop + row.offsetHeight > el.scrollTop + header) {
      return { id: row.dataset.id ?? '', offset: row.offsetTop - el.scrollTop };
    }
  }
  return undefined;
}
