/** Durations and times as a developer reads them: short, with units, never NaN. */

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const ms = seconds * 1000;
  if (ms === 0) return '0 ms';
  if (ms < 0.995) return `${ms.toFixed(2)} ms`;
  if (ms < 9.95) return `${ms.toFixed(1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (seconds < 59.95) return `${seconds.toFixed(seconds < 9.995 ? 2 : 1)} s`;
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    return `${minutes} min ${Math.floor(seconds - minutes * 60)} s`;
  }
  if (seconds < 86400) {
    const hours = Math.floor(seconds / 3600);
    return `${hours} h ${Math.floor((seconds - hours * 3600) / 60)} min`;
  }
  const days = Math.floor(seconds / 86400);
  return `${days} d ${Math.floor((seconds - days * 86400) / 3600)} h`;
}

/** At most five characters or so, for the inside of a map node. */
export function formatDurationShort(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 0.001) return seconds === 0 ? '0 ms' : '<1 ms';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** Today's times as a clock; older ones with their date, which is what tells them apart. */
export function formatWhen(epochSeconds: number | undefined, nowMs: number = Date.now()): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return '–';
  const d = new Date(epochSeconds * 1000);
  return d.toDateString() === new Date(nowMs).toDateString() ? formatClock(epochSeconds) : formatDateTime(epochSeconds).slice(0, 19);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `14:03:07.123` in the browser's time zone. */
export function formatClock(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return '–';
  const d = new Date(epochSeconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `2026-11-27 14:03:07.123` in the browser's time zone. */
export function formatDateTime(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return '–';
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(epochSeconds)}`;
}

export function formatAgo(epochSeconds: number | undefined, nowMs: number = Date.now()): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds)) return '';
  const s = Math.round(nowMs / 1000 - epochSeconds);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '0';
  return n >= 10000 ? `${(n / 1000).toFixed(n >= 100000 ? 0 : 1)}k` : String(n);
}

export function formatPercent(part: number, total: number): string {
  if (total <= 0) return '0%';
  const p = (part / total) * 100;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

/** The trace id carries its start second (`1-<8 hex epoch>-<24 hex>`); used when StartTime is absent. */
export function traceIdTime(id: string): number | undefined {
  const hex = /^1-([0-9a-fA-F]{8})-/.exec(id)?.[1];
  return hex === undefined ? undefined : parseInt(hex, 16);
}

/** A byte count as "812 B", "3.4 KB", "12.0 MB" (binary units). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
