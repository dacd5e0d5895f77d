import { useCallback, useMemo } from 'preact/hooks';
import type { InsightSummary } from '../../../src/console/model/xray-admin-types.js';
import { getGroups, getInsight, getInsightSummaries } from '../api/xray-client.js';
import { ErrorNote } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { serviceFilter } from '../../../src/console/model/filter-text.js';
import { formatDateTime, formatDuration, formatPercent } from '../../../src/console/model/format.js';
import { requestWindow, type TimeRangeKey } from '../../../src/console/model/time-range.js';
import { ServiceMapView } from './service-map-view.js';

export interface InsightsViewProps {
  id: string | undefined;
  range: TimeRangeKey;
  window: { from: number; to: number } | undefined;
  group: string | undefined;
  live: boolean;
  pollMs: number;
  onInsight: (id: string | undefined) => void;
  onOpenTraces: (filter: string, window?: { from: number; to: number }) => void;
  onOpenHealth: (service: string) => void;
}

/** X-Ray insights (anomalies the daemon detected): a list with state and impact, and one insight's page. */
export function InsightsView(props: InsightsViewProps) {
  return props.id === undefined ? <InsightList {...props} /> : <InsightDetail {...props} id={props.id} />;
}

const rootName = (i: InsightSummary): string => i.RootCauseServiceId?.Name ?? i.RootCauseServiceId?.Names?.[0] ?? '–';

function Impact({ insight }: { insight: InsightSummary }) {
  const impact = insight.ClientRequestImpactStatistics;
  if (impact === undefined) return <span class="muted">–</span>;
  return (
    <span>
      {impact.FaultCount ?? 0} of {impact.TotalCount ?? 0} client requests faulted ({formatPercent(impact.FaultCount ?? 0, impact.TotalCount ?? 0)})
    </span>
  );
}

function StatePill({ state }: { state: InsightSummary['State'] }) {
  return <span class={`pill ${state === 'ACTIVE' ? 'pill-fault' : 'pill-neutral'}`}>{state === 'ACTIVE' ? '● Active' : '○ Closed'}</span>;
}

function InsightList({ range, window, group, live, pollMs, onInsight }: InsightsViewProps) {
  const load = useCallback(
    async (signal: AbortSignal) => {
      const w = requestWindow(range, window);
      // Insights are kept for 30 days; "all time" asks for those.
      const start = Math.max(w.StartTime, w.EndTime - 30 * 86400 + 60);
      // GetInsightSummaries answers for one group: ask each group (or the picked one).
      const names = group !== undefined ? [group] : (await getGroups(signal)).map((g) => g.GroupName).filter((n): n is string => n !== undefined);
      const lists = await Promise.all(names.map((GroupName) => getInsightSummaries({ StartTime: start, EndTime: w.EndTime, GroupName }, signal)));
      return lists.flat().sort((a, b) => (b.StartTime ?? 0) - (a.StartTime ?? 0));
    },
    [range, window?.from, window?.to, group],
  );
  const poll = usePoll(load, `${range}\n${window?.from}\n${group ?? ''}`, { live, intervalMs: pollMs * 2, active: true });
  return (
    <section class="insights-view" aria-label="Insights">
      <div class="view-head">
        <h1>Insights</h1>
        <span class="muted small">Fault anomalies the daemon detected in groups with insights enabled, newest first.</span>
      </div>
      {poll.error !== undefined && <ErrorNote error={poll.error} />}
      <div class="table-scroll">
        <table class="insights-table" aria-label="Insights">
          <thead>
            <tr>
              <th>State</th>
              <th>Summary</th>
              <th>Root cause</th>
              <th>Group</th>
              <th>Started</th>
              <th class="num">Duration</th>
              <th>Impact</th>
            </tr>
          </thead>
          <tbody>
            {(poll.data ?? []).map((i) => (
              <tr key={i.InsightId} class="insight-line" data-insight={i.InsightId}>
                <td>
                  <StatePill state={i.State} />
                </td>
                <td>
                  <a
                    href={`#/insights/${encodeURIComponent(i.InsightId ?? '')}`}
                    onClick={(e) => {
                      e.preventDefault();
                      onInsight(i.InsightId);
                    }}
                  >
                    {i.Summary ?? i.InsightId}
                  </a>
                </td>
                <td>{rootName(i)}</td>
                <td class="muted">{i.GroupName}</td>
                <td class="mono small">{formatDateTime(i.StartTime)}</td>
                <td class="num">{formatDuration((i.EndTime ?? Date.now() / 1000) - (i.StartTime ?? 0))}</td>
                <td>
                  <Impact insight={i} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {poll.data !== undefined && poll.data.length === 0 && (
          <p class="hint muted">No insights in this window. Insights are found for groups created with insights enabled.</p>
        )}
      </div>
    </section>
  );
}

function InsightDetail({ id, live, pollMs, onInsight, onOpenTraces, onOpenHealth }: InsightsViewProps & { id: string }) {
  const load = useCallback((signal: AbortSignal) => getInsight(id, signal), [id]);
  const poll = usePoll(load, id, { live, intervalMs: pollMs * 2, active: true });
  const insight = poll.data?.Insight;
  const root = insight === undefined ? undefined : rootName(insight);
  // Stable between renders (an active insight runs "until now", taken when the insight was read), so
  // the map below is not asked again on every render.
  const window = useMemo(
    () => (insight?.StartTime === undefined ? undefined : { from: insight.StartTime, to: insight.EndTime ?? Math.ceil((poll.updatedAt ?? Date.now()) / 1000) }),
    [insight?.StartTime, insight?.EndTime, poll.updatedAt],
  );
  return (
    <section class="insights-view" aria-label="Insight">
      <div class="view-head">
        <button type="button" class="button ghost back" onClick={() => onInsight(undefined)}>
          ← Insights
        </button>
        <h1>{insight?.Summary ?? `Insight ${id}`}</h1>
        {insight !== undefined && <StatePill state={insight.State} />}
      </div>
      {poll.error !== undefined && <ErrorNote error={poll.error} />}
      {insight !== undefined && root !== undefined && (
        <>
          <div class="health-numbers">
            <div class="health-number" data-total="root-cause">
              <div class="big">{root}</div>
              <div class="muted small">root-cause service</div>
            </div>
            <div class="health-number">
              <div class="big num">{formatDateTime(insight.StartTime).slice(11, 19)}</div>
              <div class="muted small">started{insight.EndTime === undefined ? ', still active' : `, lasted ${formatDuration(insight.EndTime - (insight.StartTime ?? 0))}`}</div>
            </div>
            <div class="health-number">
              <div class="big num">
                <Impact insight={insight} />
              </div>
              <div class="muted small">client impact</div>
            </div>
          </div>
          <div class="trace-tools">
            <button type="button" class="button primary" onClick={() => onOpenTraces(`${serviceFilter(root)} AND fault`, window)}>
              Impacted traces (faults in {root})
            </button>
            <button type="button" class="button" onClick={() => onOpenHealth(root)}>
              Health of {root}
            </button>
          </div>
          <div class="insight-map">
            <ServiceMapView
              range="15m"
              window={window}
              group={insight.GroupName}
              live={false}
              pollMs={pollMs}
              compact
              highlight={root}
              onOpenTraces={(filter) => onOpenTraces(filter, window)}
              onOpenHealth={onOpenHealth}
              onBack={() => onInsight(undefined)}
            />
          </div>
        </>
      )}
    </section>
  );
}
