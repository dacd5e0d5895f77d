import { healthOf, type Health } from './health.js';
import { traceIdTime } from './format.js';
import type { TraceSummary } from './xray-types.js';

/** One trace on the scatter plot: when it started (epoch s) and how long it took (s). */
export interface ScatterPoint {
  id: string;
  time: number;
  duration: number;
  health: Health;
}

/** The listed traces as points, oldest first (the keyboard walks them in time order). */
export function scatterPoints(summaries: TraceSummary[]): ScatterPoint[] {
  const points: ScatterPoint[] = [];
  for (const s of summaries) {
    const time = s.StartTime ?? traceIdTime(s.Id);
    const duration = s.ResponseTime ?? s.Duration;
    if (time === undefined || duration === undefined || !Number.isFinite(time) || !Number.isFinite(duration)) continue;
    points.push({ id: s.Id, time, duration, health: healthOf({ fault: s.HasFault, error: s.HasError, throttle: s.HasThrottle }) });
  }
  return points.sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
}

/** The time axis: the points' extent padded by 3 % (at least one second wide). */
export function timeDomain(points: ScatterPoint[]): [number, number] {
  if (points.length === 0) return [0, 1];
  const first = points[0].time;
  const last = points[points.length - 1].time;
  const pad = Math.max((last - first) * 0.03, 0.5);
  return [first - pad, last + pad];
}

/** About `count` round values (1, 2, 5 × 10^n) between min and max, for axis labels. */
export function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  if (!(span > 0) || count < 1) return [min];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9 && ticks.length <= count * 3; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** The indexes of the points inside [from, to] on the time axis (a brushed range). */
export function pointsBetween(points: ScatterPoint[], from: number, to: number): number[] {
  const lo = Math.min(from, to);
  const hi = Math.max(from, to);
  const out: number[] = [];
  points.forEach((p, i) => {
    if (p.time >= lo && p.time <= hi) out.push(i);
  });
  return out;
}
