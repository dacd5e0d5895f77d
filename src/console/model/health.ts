import type { SummaryStatistics } from './xray-types.js';

export type Health = 'ok' | 'error' | 'throttle' | 'fault';

/** Fault outranks throttle outranks error: the mark shows the worst thing that happened. */
export function healthOf(flags: { fault?: boolean; error?: boolean; throttle?: boolean }): Health {
  if (flags.fault === true) return 'fault';
  if (flags.throttle === true) return 'throttle';
  if (flags.error === true) return 'error';
  return 'ok';
}

export interface StatCounts {
  total: number;
  ok: number;
  error: number;
  throttle: number;
  fault: number;
  /** Average response time in seconds, undefined without completed requests. */
  average: number | undefined;
}

export function statCounts(stats: SummaryStatistics | undefined): StatCounts {
  const fault = stats?.FaultStatistics?.TotalCount ?? 0;
  const throttle = stats?.ErrorStatistics?.ThrottleCount ?? 0;
  const error = Math.max(0, (stats?.ErrorStatistics?.TotalCount ?? 0) - throttle);
  const ok = stats?.OkCount ?? 0;
  const total = stats?.TotalCount ?? ok + error + throttle + fault;
  const time = stats?.TotalResponseTime;
  return { total, ok, error, throttle, fault, average: total > 0 && time !== undefined ? time / total : undefined };
}

/** The node's color is the worst outcome it saw; its ring shows the proportions. */
export function statHealth(c: StatCounts): Health {
  if (c.total === 0) return 'ok';
  if (c.fault > 0) return 'fault';
  if (c.throttle > 0) return 'throttle';
  if (c.error > 0) return 'error';
  return 'ok';
}
