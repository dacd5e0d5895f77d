import type { BareRow, RelayRow } from './relay-bench.js';
import type { LocalResult } from './local-bench.js';
import type { StartupRow } from './startup-bench.js';
import type { ApiResult } from './api-bench.js';
import type { ConsoleResult } from './console-bench.js';
import type { OtlpRow } from './otlp-bench.js';

/** The targets of issue 13 (relay, next to the Go daemon) and the local backend's, checked against the measured rows. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

export const fmt = (n: number | undefined, digits = 0) =>
  n !== undefined && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';

export function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `median (min–max)` of a figure over the rounds. */
function spread(xs: number[], digits: number): string {
  const s = xs.filter(Number.isFinite);
  if (!s.length) return 'n/a';
  if (s.length === 1) return fmt(s[0], digits);
  return `${fmt(median(s), digits)} (${fmt(Math.min(...s), digits)}–${fmt(Math.max(...s), digits)})`;
}

/** `best (min–max)` of a loss figure: loss depends on the kernel buffer and neighbours, so the best run is the daemon's. */
function lossSpread(xs: number[]): string {
  const s = xs.filter(Number.isFinite);
  if (!s.length) return 'n/a';
  const lo = Math.min(...s);
  return s.length === 1 ? fmt(lo, 2) : `${fmt(lo, 2)} (${fmt(lo, 2)}–${fmt(Math.max(...s), 2)})`;
}

const ofDaemon = (rows: RelayRow[], daemon: string, rate: number) => rows.filter((r) => r.daemon === daemon && r.rate === rate);

/** Per rate: both daemons side by side (median and spread over the rounds), the ratio, and the bare socket. */
export function comparisonTable(rows: RelayRow[], bare: BareRow[], rates: number[], hasReference: boolean): string {
  const header = ['offered/s', 'xrayd CPU µs/seg', ...(hasReference ? ['Go CPU µs/seg', 'xrayd/Go CPU'] : []), 'bare socket CPU µs/dgram', 'xrayd peak RSS MB', ...(hasReference ? ['Go peak RSS MB'] : []), 'xrayd loss %', ...(hasReference ? ['Go loss %'] : []), 'bare loss %', 'xrayd p50/p99 ms', ...(hasReference ? ['Go p50/p99 ms'] : [])];
  const lines = rates.map((rate) => {
    const x = ofDaemon(rows, 'xrayd', rate);
    const g = ofDaemon(rows, 'go', rate);
    const b = bare.filter((r) => r.rate === rate);
    const lat = (rs: RelayRow[]) => `${fmt(median(rs.map((r) => r.latencyMs.p50)), 0)} / ${fmt(median(rs.map((r) => r.latencyMs.p99)), 0)}`;
    const ratio = median(x.map((r) => r.cpuMicrosPerSegment)) / median(g.map((r) => r.cpuMicrosPerSegment));
    return [
      fmt(rate),
      spread(x.map((r) => r.cpuMicrosPerSegment), 1),
      ...(hasReference ? [spread(g.map((r) => r.cpuMicrosPerSegment), 1), `${fmt(ratio, 2)}×`] : []),
      spread(b.map((r) => r.cpuMicrosPerDatagram), 1),
      spread(x.map((r) => r.peakRssMB), 0),
      ...(hasReference ? [spread(g.map((r) => r.peakRssMB), 0)] : []),
      lossSpread(x.map((r) => r.lossPct)),
      ...(hasReference ? [lossSpread(g.map((r) => r.lossPct))] : []),
      lossSpread(b.map((r) => r.lossPct)),
      lat(x),
      ...(hasReference ? [lat(g)] : []),
    ];
  });
  return markdown(header, lines);
}

/** Start to listening, and the idle process: RSS and wake-ups (context switches of all threads) per second. */
export function idleTable(rows: RelayRow[], daemons: string[]): string {
  const lines = daemons.map((d) => {
    const rs = rows.filter((r) => r.daemon === d);
    const idle = rs.filter((r) => r.idle);
    return [d, spread(rs.map((r) => r.startMs), 0), spread(idle.map((r) => r.idle!.rssMB), 1), spread(idle.map((r) => r.idle!.wakeupsPerSecond), 1)];
  });
  return markdown(['daemon', 'start to listening ms', 'idle RSS MB', 'idle wake-ups/s (all threads)'], lines);
}

/** Every run, in the order it ran. */
export function runsTable(rows: RelayRow[], bare: BareRow[]): string {
  const header = ['round', 'daemon', 'offered/s', 'achieved/s', 'sent', 'daemon recv', 'delivered', 'loss %', 'CPU µs/seg', 'CPU %', 'sink CPU %', 'load avg', 'peak RSS MB', 'p50 ms', 'p99 ms'];
  const lines = [
    ...rows.map((r) => [String(r.round + 1), r.daemon, fmt(r.rate), fmt(r.offered.achievedRate), fmt(r.offered.sent), fmt(r.received), fmt(r.delivered), fmt(r.lossPct, 2), fmt(r.cpuMicrosPerSegment, 1), fmt(r.cpuPct), fmt(r.sinkCpuPct), fmt(r.loadAverage, 1), fmt(r.peakRssMB, 1), fmt(r.latencyMs.p50, 1), fmt(r.latencyMs.p99, 1)]),
    ...bare.map((b) => [String(b.round + 1), 'bare socket', fmt(b.rate), '', fmt(b.sent), fmt(b.received), '', fmt(b.lossPct, 2), fmt(b.cpuMicrosPerDatagram, 1), '', '', '', fmt(b.peakRssMB, 1), '', '']),
  ];
  return markdown(header, lines);
}

export function localTable(l: LocalResult): string {
  const lines: string[][] = [
    ['ingest', `offered ${fmt(l.ingest.offeredRate)}/s: ${fmt(l.ingest.stored)} of ${fmt(l.ingest.sent)} stored in ${fmt(l.ingest.seconds, 2)} s, ${fmt(l.ingest.cpuMicrosPerSegment, 1)} µs CPU/segment`, `${fmt(l.ingest.rate)} segments/s`],
    ['store', `${fmt(l.traces)} traces (one segment each)`, `RSS ${fmt(l.ingest.rssMB, 1)} MB`],
    ...l.queries.map((q) => [
      `GetTraceSummaries ${q.filter ? `\`${q.filter}\`` : '(no filter)'}`,
      `${q.runs} runs, first page ${fmt(q.firstPageTraces)} traces, ${fmt(q.tracesProcessed)} processed; all pages: ${fmt(q.fullScan.pages)} pages, ${fmt(q.fullScan.traces)} traces, ${fmt(q.fullScan.ms)} ms`,
      `p50 ${fmt(q.p50Ms, 1)} ms, p99 ${fmt(q.p99Ms, 1)} ms`,
    ]),
  ];
  return markdown(['local backend', 'what', 'result'], lines);
}

export function apiTable(a: ApiResult): string {
  const lines: string[][] = [
    ['store', `${fmt(a.segments)} segments stored through PutTraceSegments in ${fmt(a.fillSeconds, 1)} s`, `RSS ${fmt(a.rssMB, 1)} MB`],
    ...a.queries.map((q) => [q.what, `${q.runs} runs, ${fmt(q.items)} entries/services`, `p50 ${fmt(q.p50Ms, 1)} ms, p99 ${fmt(q.p99Ms, 1)} ms`]),
  ];
  return markdown(['local X-Ray API', 'what', 'result'], lines);
}

export function consoleTable(c: ConsoleResult): string {
  const runs = (ms: number[]) => ms.map((m) => `${fmt(m)} ms`).join(', ');
  const lines: string[][] = [
    ['trace view', `${fmt(c.nodes)} rows (segments and subsegments): time to first render, ${c.traceFirstRenderMs.length} fresh pages`, runs(c.traceFirstRenderMs)],
    ['trace view', 'scrolling the whole waterfall, 600 px per frame', `${fmt(c.scrollFrameMs, 1)} ms per frame`],
    ['trace list', `${fmt(c.storedTraces)} traces stored (last hour): time to first render (the first page)`, runs(c.listFirstRenderMs)],
    ['trace list', `until all ${fmt(c.listedTraces)} traces the console lists are shown (20 pages)`, runs(c.listCompleteMs)],
  ];
  return markdown(['web console (Chromium)', 'what', 'result'], lines);
}

export function checkTargets(rows: RelayRow[], local: LocalResult | undefined, api?: ApiResult, consoleResult?: ConsoleResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const cpu = (daemon: string, rate: number) => median(ofDaemon(rows, daemon, rate).map((r) => r.cpuMicrosPerSegment));
  for (const [rate, limit] of [[5000, 1.0], [20000, 0.75], [50000, 0.75]] as const) {
    const x = cpu('xrayd', rate);
    const g = cpu('go', rate);
    if (Number.isFinite(x) && Number.isFinite(g)) checks.push({ target: `CPU/segment <= ${limit}× Go at ${fmt(rate)}/s`, measured: `${fmt(x, 1)} vs ${fmt(g, 1)} µs = ${fmt(x / g, 2)}×`, met: x / g <= limit });
  }
  const xr = rows.filter((r) => r.daemon === 'xrayd');
  const upTo50 = xr.filter((r) => r.rate <= 50000);
  if (upTo50.length) {
    const peak = Math.max(...upTo50.map((r) => r.peakRssMB));
    checks.push({ target: 'peak RSS <= 96 MB up to 50k/s', measured: `${fmt(peak, 1)} MB (worst run)`, met: peak <= 96 });
  }
  const at100 = xr.filter((r) => r.rate === 100000);
  if (at100.length) {
    const peak = Math.max(...at100.map((r) => r.peakRssMB));
    checks.push({ target: 'peak RSS <= 128 MB at 100k/s', measured: `${fmt(peak, 1)} MB (worst run)`, met: peak <= 128 });
  }
  for (const rate of [20000, 50000]) {
    const rs = xr.filter((r) => r.rate === rate);
    if (!rs.length) continue;
    const best = Math.min(...rs.map((r) => r.lossPct));
    checks.push({ target: `no loss at ${fmt(rate)}/s`, measured: `best ${fmt(best, 3)} %, worst ${fmt(Math.max(...rs.map((r) => r.lossPct)), 3)} %`, met: best <= 0 });
  }
  const idle = xr.filter((r) => r.idle).map((r) => r.idle!);
  if (idle.length) {
    const rss = median(idle.map((i) => i.rssMB));
    checks.push({ target: 'idle RSS <= 60 MB', measured: `${fmt(rss, 1)} MB, ${fmt(median(idle.map((i) => i.wakeupsPerSecond)), 1)} wake-ups/s`, met: rss <= 60 });
  }
  if (xr.length) {
    const start = median(xr.map((r) => r.startMs));
    checks.push({ target: 'start to listening <= 300 ms', measured: `${fmt(start, 0)} ms (median; includes node startup)`, met: start <= 300 });
  }
  if (local) {
    checks.push({ target: 'local backend ingest >= 20k segments/s', measured: `${fmt(local.ingest.rate)}/s`, met: local.ingest.rate >= 20000 });
    const filtered = local.queries.filter((q) => q.filter);
    if (filtered.length) {
      const worst = Math.max(...filtered.map((q) => q.p99Ms));
      checks.push({ target: `filtered GetTraceSummaries p99 < 200 ms over ${fmt(local.traces)} traces`, measured: `${fmt(worst, 1)} ms (worst filter)`, met: worst < 200 });
    }
  }
  if (api) {
    const series = api.queries.filter((q) => q.what.startsWith('GetTimeSeriesServiceStatistics'));
    const worst = Math.max(...series.map((q) => q.p99Ms));
    checks.push({ target: `GetTimeSeriesServiceStatistics p99 < 50 ms over ${fmt(api.segments)} segments`, measured: `${fmt(worst, 1)} ms (worst selector)`, met: worst < 50 });
  }
  if (consoleResult) {
    const trace = Math.max(...consoleResult.traceFirstRenderMs);
    const list = Math.max(...consoleResult.listFirstRenderMs);
    checks.push({ target: `console: ${fmt(consoleResult.nodes)}-node trace first render < 1 s`, measured: `${fmt(trace)} ms (slowest of ${consoleResult.traceFirstRenderMs.length})`, met: trace < 1000 });
    checks.push({ target: `console: list first render < 1 s with ${fmt(consoleResult.storedTraces)} traces stored`, measured: `${fmt(list)} ms (slowest of ${consoleResult.listFirstRenderMs.length})`, met: list < 1000 });
  }
  return checks;
}

export function targetsTable(checks: TargetCheck[]): string {
  return markdown(['target', 'measured', 'met'], checks.map((c) => [c.target, c.measured, c.met === undefined ? '?' : c.met ? 'yes' : 'NO']));
}

function markdown(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function startupTable(rows: StartupRow[]): string {
  const header = ['launcher', 'starts', 'start-up ms (median)', 'start-up ms (max)', 'idle RSS MB (median)', 'of which anonymous MB'];
  return markdown(header, rows.map((r) => [r.launcher, fmt(r.runs), fmt(r.startMsMedian), fmt(r.startMsMax), fmt(r.idleRssMB, 1), fmt(r.idleAnonMB, 1)]));
}

/**
 * OpenTelemetry intake next to the UDP path: OTLP rows as measured, and for comparison the UDP
 * path's CPU per segment (relay: the lowest offered rate, where nothing is lost; local: ingest).
 */
export function otlpTable(rows: OtlpRow[], relay: RelayRow[], local: LocalResult | undefined): string {
  const lines = rows.map((r) => [
    `OTLP/HTTP protobuf, ${fmt(r.spansPerRequest)} spans/request`,
    r.backend === 'local' ? 'local (stored)' : 'aws (uploaded to sink)',
    `${fmt(r.delivered)} of ${fmt(r.sent)}${r.failures ? ` (${fmt(r.failures)} failed requests)` : ''}`,
    fmt(r.spansPerSecond),
    fmt(r.cpuMicrosPerSpan, 1),
    fmt(r.rssMB, 1),
  ]);
  const udpRelay = [...relay].sort((a, b) => a.rate - b.rate)[0];
  if (udpRelay) lines.push([`UDP segments, ${fmt(udpRelay.rate)}/s offered`, 'aws (uploaded to sink)', `${fmt(udpRelay.delivered)} of ${fmt(udpRelay.offered.sent)}`, fmt(udpRelay.delivered / Math.max(1e-9, udpRelay.offered.elapsedMs / 1000)), fmt(udpRelay.cpuMicrosPerSegment, 1), fmt(udpRelay.peakRssMB, 1)]);
  if (local) lines.push([`UDP segments, ${fmt(local.ingest.offeredRate)}/s offered`, 'local (stored)', `${fmt(local.ingest.stored)} of ${fmt(local.ingest.sent)}`, fmt(local.ingest.rate), fmt(local.ingest.cpuMicrosPerSegment, 1), fmt(local.ingest.rssMB, 1)]);
  return markdown(['intake', 'backend', 'delivered', 'spans or segments/s', 'CPU µs per span/segment', 'RSS MB'], lines);
}
