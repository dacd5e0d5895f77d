/** The time windows the console offers; `all` asks for everything the daemon still holds. */
export const TIME_RANGES = [
  { key: '5m', label: 'Last 5 minutes', seconds: 5 * 60 },
  { key: '15m', label: 'Last 15 minutes', seconds: 15 * 60 },
  { key: '1h', label: 'Last hour', seconds: 60 * 60 },
  { key: '6h', label: 'Last 6 hours', seconds: 6 * 60 * 60 },
  { key: '24h', label: 'Last 24 hours', seconds: 24 * 60 * 60 },
  { key: 'all', label: 'All time', seconds: Number.POSITIVE_INFINITY },
] as const;

export type TimeRangeKey = (typeof TIME_RANGES)[number]['key'];

export const DEFAULT_RANGE: TimeRangeKey = '15m';

export function isTimeRangeKey(value: string | null | undefined): value is TimeRangeKey {
  return TIME_RANGES.some((r) => r.key === value);
}

/**
 * The request window in epoch seconds. The end leans a little into the future so a segment
 * stamped by a clock slightly ahead of the browser's still shows up.
 */
export function timeWindow(key: TimeRangeKey, nowMs: number = Date.now()): { StartTime: number; EndTime: number } {
  const range = TIME_RANGES.find((r) => r.key === key) ?? TIME_RANGES[1];
  const end = Math.ceil(nowMs / 1000) + 60;
  const start = Number.isFinite(range.seconds) ? Math.floor(nowMs / 1000) - range.seconds : 0;
  return { StartTime: start, EndTime: end };
}

/** The request window: a brushed window (epoch seconds, whole seconds outward) wins over the range. */
export function requestWindow(key: TimeRangeKey, window: { from: number; to: number } | undefined, nowMs: number = Date.now()): { StartTime: number; EndTime: number } {
  if (window === undefined) return timeWindow(key, nowMs);
  return { StartTime: Math.floor(window.from), EndTime: Math.ceil(window.to) };
}
