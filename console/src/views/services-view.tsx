import { useCallback, useMemo } from 'preact/hooks';
import { getServiceGraph, getTimeSeriesServiceStatistics, getTraceSummaries } from '../api/xray-client.js';
import { ErrorNote } from '../components/marks.js';
import { usePoll } from '../hooks/use-poll.js';
import { serviceFilter } from '../../../src/console/model/filter-text.js';
import { formatCount, formatDuration, formatPercent } from '../../../src/console/model/format.js';
import { healthPerPoint, healthTotals, operationHealth, type HealthTotals } from '../../../src/console/model/service-health.js';
import { requestWindow, type TimeRangeKey } from '../../../src/console/model/time-range.js';
import { LatencyLines, OutcomeLegend, RequestBars } from '../charts/health-charts.js';

export interface ServicesViewProps {
  service: string | undefined;
  range: TimeRangeKey;
  window: { from: number; to: number } | undefined;
  group: string | undefined;
  groupFilter: string | undefined;
  live: boolean;
  pollMs: number;
  onService: (name: string | undefined) => void;
  /** Opens the trace list with this filter, in this window when given. */
  onOpenTraces: (filter: string, window?: { from: number; to: number }) => void;
}

/** At most this many points per chart: wider windows get longer periods (whole minutes, as the API wants). */
const MAX_POINTS = 60;
const DAY_S = 86400;

/** The health window: "all time" means the last day here (a chart over years says little). */
function healthWindow(range: TimeRangeKey, window: { from: number; to: number } | undefined): { StartTime: number; EndTime: number; Period: number } {
  const w = requestWindow(range, window);
  const start = Math.max(w.StartTime, w.EndTime - DAY_S);
  const startMinute = Math.floor(start / 60) * 60;
  const span = w.EndTime - startMinute;
  return { StartTime: startMinute, EndTime: w.EndTime, Period: Math.max(60, Math.ceil(span / MAX_POINTS / 60) * 60) };
}

/** Per-service health (GetTimeSeriesServiceStatistics): the list of services, or one service's page. */
export function ServicesView(props: ServicesViewProps) {
  return props.service === undefined ? <ServiceList {...props} /> : <ServiceHealth {...props} service={props.service} />;
}

function ServiceList({ range, window, group, live, pollMs, onService }: ServicesViewProps) {
  const load = useCallback(
    async (signal: AbortSignal) => {
      const w = healthWindow(range, window);
      const services = await getServiceGraph({ StartTime: w.StartTime, EndTime: w.EndTime, ...(group === undefined ? {} : { GroupName: group }) }, signal);
      const named = services.filter((s) => s.Name !== undefined && s.Type !== 'client');
      const totals = await Promise.all(
        named.map(async (s) => ({
          name: s.Name!,
          type: s.Type ?? '',
          totals: healthTotals(await getTimeSeriesServiceStatistics({ ...w, EntitySelectorExpression: serviceFilter(s.Name!), ...(group === undefined ? {} : { GroupName: group }) }, signal)),
        })),
      );
      return totals.sort((a, b) => b.totals.requests - a.totals.requests || a.name.localeCompare(b.name));
    },
    [range, window?.from, window?.to, group],
  );
  const poll = usePoll(load, `${range}\n${window?.from}\n${group ?? ''}`, { live, intervalMs: pollMs * 2, active: true });
  return (
    <section class="services-view" aria-label="Services">
      <div class="view-head">
        <h1>Services</h1>
        <span class="muted small">Requests, error, throttle and fault rates and latency percentiles over the selected window{group === undefined ? '' : `, group ${group}`}.</span>
      </div>
      {poll.error !== undefined && <ErrorNote error={poll.error} />}
      <div class="table-scroll">
        <table class="health-table" aria-label="Services by requests">
          <HealthHead first={['Service', 'Type']} />
          <tbody>
            {(poll.data ?? []).map((s) => (
              <tr key={`${s.name}\n${s.type}`} class="service-line" data-service={s.name}>
                <td>
                  <a
                    href={`#/services/${encodeURIComponent(s.name)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      onService(s.name);
                    }}
                  >
                    {s.name}
                  </a>
                </td>
                <td class="muted small">{s.type}</td>
                <HealthCells totals={s.totals} />
              </tr>
            ))}
          </tbody>
        </table>
        {poll.data !== undefined && poll.data.length === 0 && <p class="hint muted">No service reported requests in this window.</p>}
      </div>
    </section>
  );
}

const HEALTH_COLUMNS = ['Requests', 'Errors', 'Throttles', 'Faults', 'Average', 'p50', 'p90', 'p99'];

function HealthHead({ first }: { first: string[] }) {
  return (
    <thead>
      <tr>
        {first.map((label) => (
          <th key={label}>{label}</th>
        ))}
        {HEALTH_COLUMNS.map((label) => (
          <th key={label} class="num">
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function HealthCells({ totals: t }: { totals: HealthTotals }) {
  return (
    <>
      <td class="num">{formatCount(t.requests)}</td>
      <td class="num">{formatPercent(t.errors, t.requests)}</td>
      <td class="num">{formatPercent(t.throttles, t.requests)}</td>
      <td class="num">{formatPercent(t.faults, t.requests)}</td>
      <td class="num">{formatDuration(t.average)}</td>
      <td class="num">{formatDuration(t.p50)}</td>
      <td class="num">{formatDuration(t.p90)}</td>
      <td class="num">{formatDuration(t.p99)}</td>
    </>
  );
}

function ServiceHealth({ service, range, window, group, groupFilter, live, pollMs, onService, onOpenTraces }: ServicesViewProps & { service: string }) {
  const w = useMemo(() => healthWindow(range, window), [range, window?.from, window?.to]);
  const load = useCallback(
    async (signal: AbortSignal) => {
      const span = healthWindow(range, window);
      const filter = groupFilter === undefined ? serviceFilter(service) : `(${groupFilter}) AND ${serviceFilter(service)}`;
      const [points, listing] = await Promise.all([
        getTimeSeriesServiceStatistics({ ...span, EntitySelectorExpression: serviceFilter(service), ...(group === undefined ? {} : { GroupName: group }) }, signal),
        getTraceSummaries({ StartTime: span.StartTime, EndTime: span.EndTime, FilterExpression: filter }, signal),
      ]);
      return { points, operations: operationHealth(listing.summaries), truncated: listing.truncated };
    },
    [service, range, window?.from, window?.to, group, groupFilter],
  );
  const poll = usePoll(load, `${service}\n${range}\n${window?.from}\n${group ?? ''}`, { live, intervalMs: pollMs * 2, active: true });
  const totals = poll.data === undefined ? undefined : healthTotals(poll.data.points);
  const perPoint = useMemo(() => (poll.data === undefined ? [] : healthPerPoint(poll.data.points, w.StartTime, w.EndTime, w.Period)), [poll.data]);
  const numbers: [string, string, string][] =
    totals === undefined
      ? []
      : [
          ['requests', formatCount(totals.requests), `requests · ${(totals.requests / Math.max(1, (w.EndTime - w.StartTime) / 60)).toFixed(1)}/min`],
          ['errors', String(totals.errors), `errors · ${formatPercent(totals.errors, totals.requests)}`],
          ['throttles', String(totals.throttles), `throttles · ${formatPercent(totals.throttles, totals.requests)}`],
          ['faults', String(totals.faults), `faults · ${formatPercent(totals.faults, totals.requests)}`],
          ['p50', formatDuration(totals.p50), 'p50'],
          ['p90', formatDuration(totals.p90), 'p90'],
          ['p99', formatDuration(totals.p99), 'p99'],
        ];
  return (
    <section class="services-view" aria-label={`${service} health`}>
      <div class="view-head">
        <button type="button" class="button ghost back" onClick={() => onService(undefined)}>
          ← Services
        </button>
        <h1>{service}</h1>
        <span class="spacer" />
        <button type="button" class="button" onClick={() => onOpenTraces(serviceFilter(service))}>
          Traces of {service}
        </button>
      </div>
      {poll.error !== undefined && <ErrorNote error={poll.error} />}
      {totals !== undefined && (
        <div class="health-numbers">
          {numbers.map(([key, value, label]) => (
            <div key={key} class="health-number" data-total={key}>
              <div class="big num">{value}</div>
              <div class="muted small">{label}</div>
            </div>
          ))}
        </div>
      )}
      {perPoint.length > 0 && (
        <div class="charts">
          <figure class="chart">
            <figcaption>
              <span class="chart-title">Requests per {w.Period / 60 === 1 ? 'minute' : `${w.Period / 60} minutes`}</span>
              <OutcomeLegend />
            </figcaption>
            <RequestBars points={perPoint} periodS={w.Period} onOpen={(from, to) => onOpenTraces(serviceFilter(service), { from, to })} />
          </figure>
          <figure class="chart">
            <figcaption>
              <span class="chart-title">Response time</span>
            </figcaption>
            <LatencyLines points={perPoint} />
          </figure>
        </div>
      )}
      {poll.data !== undefined && (
        <div class="table-scroll">
          <table class="health-table" aria-label={`${service} per operation`}>
            <HealthHead first={['Operation']} />
            <tbody>
              {poll.data.operations.map((o) => (
                <tr key={`${o.method} ${o.path}`} class="operation-line">
                  <td>
                    <button
                      type="button"
                      class="link mono"
                      title="Open these traces"
                      onClick={() => onOpenTraces(o.url === '' ? serviceFilter(service) : `${serviceFilter(service)} AND http.url CONTAINS ${JSON.stringify(o.path)}${o.method === '' ? '' : ` AND http.method = ${JSON.stringify(o.method)}`}`)}
                    >
                      {o.method} {o.path}
                    </button>
                  </td>
                  <HealthCells totals={o} />
                </tr>
              ))}
            </tbody>
          </table>
          {poll.data.truncated && <p class="hint muted small">Per operation: the newest 2,000 traces of the window.</p>}
        </div>
      )}
    </section>
  );
}
