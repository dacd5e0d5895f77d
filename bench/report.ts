import type { RelayRow } from './relay-bench.js';
import type { LocalResult } from './local-bench.js';
import type { OtlpRow } from './otlp-bench.js';

/** The targets issue 7 sets for this 2-core machine, checked against the measured rows. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

export function relayTable(rows: RelayRow[]): string {
  const header = ['offered/s', 'achieved/s', 'sent', 'daemon recv', 'delivered', 'loss %', 'spill', 'CPU µs/seg', 'CPU %', 'sink CPU %', 'load avg', 'peak RSS MB', 'p50 ms', 'p99 ms', 'bare recv', 'bare loss %', 'bare CPU µs', 'vs bare'];
  const lines = rows.map((r) => [
    fmt(r.rate),
    fmt(r.offered.achievedRate),
    fmt(r.offered.sent),
    fmt(r.received),
    fmt(r.delivered),
    fmt(r.lossPct, 2),
    fmt(r.spillover),
    fmt(r.cpuMicrosPerSegment, 1),
    fmt(r.cpuPct),
    fmt(r.sinkCpuPct),
    fmt(r.loadAverage[0], 1),
    fmt(r.peakRssMB, 1),
    fmt(r.latencyMs.p50, 1),
    fmt(r.latencyMs.p99, 1),
    r.bare ? fmt(r.bare.received) : '-',
    r.bare ? fmt(r.bare.lossPct, 2) : '-',
    r.bare ? fmt(r.bare.cpuMicrosPerDatagram, 1) : '-',
    r.ratioToBare !== undefined ? fmt(r.ratioToBare, 3) : '-',
  ]);
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

export function checkTargets(rows: RelayRow[], local: LocalResult | undefined): TargetCheck[] {
  const at = (rate: number) => rows.find((r) => r.rate === rate);
  const checks: TargetCheck[] = [];
  const r50 = at(50000);
  const r100 = at(100000);
  const r20 = at(20000);
  if (r50) checks.push({ target: 'zero loss at 50k/s offered', measured: `${fmt(r50.lossPct, 3)} % (${fmt(r50.offered.sent - r50.delivered)} lost)`, met: r50.delivered >= r50.offered.sent });
  if (r100) checks.push({ target: 'loss < 1 % at 100k/s offered', measured: `${fmt(r100.lossPct, 2)} % at ${fmt(r100.offered.achievedRate)}/s achieved`, met: r100.lossPct < 1 });
  if (r20) checks.push({ target: '<= 11 µs daemon CPU per segment at 20k/s', measured: `${fmt(r20.cpuMicrosPerSegment, 1)} µs`, met: r20.cpuMicrosPerSegment <= 11 });
  const upTo50 = rows.filter((r) => r.rate <= 50000);
  if (upTo50.length) {
    const peak = Math.max(...upTo50.map((r) => r.peakRssMB));
    checks.push({ target: 'peak RSS <= 100 MB (default settings, <= 50k/s)', measured: `${fmt(peak, 1)} MB`, met: peak <= 100 });
  }
  if (local) {
    checks.push({ target: 'local backend ingest >= 20k segments/s', measured: `${fmt(local.ingest.rate)}/s`, met: local.ingest.rate >= 20000 });
    const filtered = local.queries.filter((q) => q.filter);
    if (filtered.length) {
      const worst = Math.max(...filtered.map((q) => q.p99Ms));
      checks.push({ target: `filtered GetTraceSummaries p99 < 200 ms over ${fmt(local.traces)} traces`, measured: `${fmt(worst, 1)} ms (worst filter)`, met: worst < 200 });
    }
  }
  return checks;
}

export function targetsTable(checks: TargetCheck[]): string {
  return markdown(['target', 'measured', 'met'], checks.map((c) => [c.target, c.measured, c.met === undefined ? '?' : c.met ? 'yes' : 'NO']));
}

function markdown(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
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
