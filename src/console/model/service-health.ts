import type { CountStatistics, TimeSeriesServiceStatistics } from './xray-admin-types.js';
import type { TraceSummary } from './xray-types.js';

/** A service's (or one minute's) requests by outcome and latency, as the health view shows them. Seconds. */
export interface HealthTotals {
  requests: number;
  ok: number;
  /** 4xx other than throttles. */
  errors: number;
  throttles: number;
  faults: number;
  /** Mean response time; undefined without requests. */
  average: number | undefined;
  p50: number | undefined;
  p90: number | undefined;
  p99: number | undefined;
}

type Histogram = { Value?: number; Count?: number }[];

/** The q-quantile (0..1) of a response-time histogram ({Value, Count} entries, any order). */
export function percentile(histogram: Histogram, q: number): number | undefined {
  const entries = histogram.filter((e) => (e.Count ?? 0) > 0 && Number.isFinite(e.Value ?? Number.NaN)).sort((a, b) => a.Value! - b.Value!);
  const total = entries.reduce((n, e) => n + e.Count!, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const e of entries) {
    seen += e.Count!;
    if (seen >= rank) return e.Value;
  }
  return entries[entries.length - 1].Value;
}

function totalsOf(stats: CountStatistics[], histogram: Histogram): HealthTotals {
  const sum = (read: (s: CountStatistics) => number | undefined) => stats.reduce((n, s) => n + (read(s) ?? 0), 0);
  const requests = sum((s) => s.TotalCount);
  const time = sum((s) => s.TotalResponseTime);
  return {
    requests,
    ok: sum((s) => s.OkCount),
    errors: sum((s) => s.ErrorStatistics?.OtherCount),
    throttles: sum((s) => s.ErrorStatistics?.ThrottleCount),
    faults: sum((s) => s.FaultStatistics?.TotalCount),
    average: requests > 0 ? time / requests : undefined,
    p50: percentile(histogram, 0.5),
    p90: percentile(histogram, 0.9),
    p99: percentile(histogram, 0.99),
  };
}

/**
 * Totals over a window of GetTimeSeriesServiceStatistics points: counts summed, percentiles from
 * the merged response-time histograms. A service's own statistics are used, or an edge's for edges.
 */
export function healthTotals(points: TimeSeriesServiceStatistics[]): HealthTotals {
  const stats = points.map((p) => p.ServiceSummaryStatistics ?? p.EdgeSummaryStatistics ?? {});
  return totalsOf(stats, points.flatMap((p) => p.ResponseTimeHistogram ?? []));
}

/**
 * The same, one entry per period from `start` to `end`, oldest first. The API leaves out periods
 * without requests; they come back here as zeros, so a chart's time axis is even.
 */
export function healthPerPoint(points: TimeSeriesServiceStatistics[], start: number, end: number, periodS: number): (HealthTotals & { time: number })[] {
  const byTime = new Map<number, TimeSeriesServiceStatistics[]>();
  for (const p of points) {
    const slot = start + Math.floor(((p.Timestamp ?? start) - start) / periodS) * periodS;
    byTime.set(slot, [...(byTime.get(slot) ?? []), p]);
  }
  const out: (HealthTotals & { time: number })[] = [];
  for (let t = start; t < end && out.length < 10_000; t += periodS) out.push({ time: t, ...healthTotals(byTime.get(t) ?? []) });
  return out;
}

/** One line of the per-operation table: a method and URL path of the service's traces. */
export interface OperationHealth extends HealthTotals {
  method: string;
  path: string;
  /** The full URLs seen, for the filter that opens the matching traces. */
  url: string;
}

/**
 * Per operation (HTTP method and URL path) from trace summaries: counts by outcome and percentiles
 * of the response times, busiest first. Traces without a URL count under "(no URL)".
 */
export function operationHealth(summaries: TraceSummary[]): OperationHealth[] {
  const groups = new Map<string, { method: string; path: string; url: string; items: TraceSummary[] }>();
  for (const s of summaries) {
    const url = s.Http?.HttpURL ?? '';
    const path = url === '' ? '(no URL)' : url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\?.*$/, '') || '/';
    const method = s.Http?.HttpMethod ?? '';
    const key = `${method} ${path}`;
    const group = groups.get(key) ?? { method, path, url, items: [] };
    group.items.push(s);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ method, path, url, items }) => {
      const times = items.map((s) => s.ResponseTime ?? s.Duration).filter((t): t is number => typeof t === 'number');
      const histogram = times.map((t) => ({ Value: t, Count: 1 }));
      const stats: CountStatistics[] = items.map((s) => ({
        TotalCount: 1,
        OkCount: s.HasFault || s.HasError || s.HasThrottle ? 0 : 1,
        ErrorStatistics: { ThrottleCount: s.HasThrottle ? 1 : 0, OtherCount: s.HasError && !s.HasThrottle ? 1 : 0 },
        FaultStatistics: { TotalCount: s.HasFault ? 1 : 0 },
        TotalResponseTime: s.ResponseTime ?? s.Duration ?? 0,
      }));
      return { method, path, url, ...totalsOf(stats, histogram) };
    })
    .sort((a, b) => b.requests - a.requests || a.path.localeCompare(b.path));
}
