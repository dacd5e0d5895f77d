import type { TraceSummary } from './xray-types.js';

/** One bar of the response-time histogram, seconds. */
export interface ResponseTimeBin {
  from: number;
  to: number;
  count: number;
}

/**
 * The response-time distribution of the listed traces in `bins` equal bars from 0 to the slowest
 * (X-Ray Analytics' chart). Traces without a response time are left out.
 */
export function responseTimeHistogram(summaries: TraceSummary[], bins: number): ResponseTimeBin[] {
  const times = summaries.map((s) => s.ResponseTime).filter((t): t is number => typeof t === 'number' && Number.isFinite(t) && t >= 0);
  if (times.length === 0 || bins < 1) return [];
  const max = Math.max(...times) || 0.001;
  const width = max / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const t of times) out[Math.min(bins - 1, Math.floor(t / width))].count++;
  return out;
}

/**
 * The filter with a response-time range added, as X-Ray Analytics does when a range is selected:
 * `responsetime >= a AND responsetime <= b`, joined to the existing filter with AND (parenthesised,
 * so an OR in it keeps its meaning). Bounds are rounded outward to the millisecond.
 */
export function withResponseTimeRange(filter: string, from: number, to: number): string {
  const lo = Math.floor(Math.min(from, to) * 1000) / 1000;
  const hi = Math.ceil(Math.max(from, to) * 1000) / 1000;
  const range = `responsetime >= ${lo} AND responsetime <= ${hi}`;
  const current = filter.trim();
  return current === '' ? range : `(${current}) AND ${range}`;
}
