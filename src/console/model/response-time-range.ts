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
const PREVIOUS_RANGE = /(?:^|\s+AND\s+)responsetime >= [\d.]+ AND responsetime <= [\d.]+$/;

export function withResponseTimeRange(filter: string, from: number, to: number): string {
  // toFixed first: a bin edge like 7 × 0.05 is 0.35000000000000003, which must not round up to 0.351.
  const ms = (seconds: number) => Number((seconds * 1000).toFixed(6));
  const lo = Math.floor(ms(Math.min(from, to))) / 1000;
  const hi = Math.ceil(ms(Math.max(from, to))) / 1000;
  const range = `responsetime >= ${lo} AND responsetime <= ${hi}`;
  // A second selection replaces the first one instead of piling up ranges.
  const trimmed = filter.trim();
  const current = PREVIOUS_RANGE.test(trimmed) ? unwrap(trimmed.replace(PREVIOUS_RANGE, '').trim()) : trimmed;
  return current === '' ? range : `(${current}) AND ${range}`;
}

/** `(x)` to `x` when the outer parentheses enclose the whole text (the ones added above). */
function unwrap(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    if (depth === 0) return text; // the first parenthesis closes before the end
  }
  return text.slice(1, -1).trim();
}
