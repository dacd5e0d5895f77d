import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DaemonProcess } from '../test/helpers/daemon-process.js';
import type { BenchOptions } from './options.js';
import { statusKiB } from './proc-stats.js';

/**
 * The local X-Ray API's aggregate reads over a full store: `apiSegments` segments (one trace each,
 * spread over the last hour, 10 services each calling a remote host, 1 in 20 faulting) stored
 * through PutTraceSegments, a group whose filter holds a tenth of them, then the latency of
 * GetTimeSeriesServiceStatistics (served from the per-minute rollups) and of a grouped
 * GetServiceGraph (built from the group's newest traces).
 */
export interface ApiQueryResult {
  what: string;
  runs: number;
  p50Ms: number;
  p99Ms: number;
  /** What the answer held (entries or services), as a sanity check. */
  items: number;
}

export interface ApiResult {
  segments: number;
  fillSeconds: number;
  rssMB: number;
  queries: ApiQueryResult[];
}

async function post(port: number, op: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`http://127.0.0.1:${port}${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${op} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

function documents(count: number, nowS: number, seq: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++, seq++) {
    const end = nowS - (seq % 3600) - Math.random();
    const start = end - 0.005 - Math.random() * 0.2;
    const id = randomBytes(8).toString('hex');
    const fault = seq % 20 === 0;
    out.push(JSON.stringify({
      name: `svc-${seq % 10}`, id, trace_id: `1-${Math.floor(start).toString(16)}-${randomBytes(12).toString('hex')}`, start_time: start, end_time: end,
      ...(fault ? { fault: true } : {}), annotations: { shard: seq % 10 },
      subsegments: [{ id: randomBytes(8).toString('hex'), name: `db-${seq % 3}.example.com`, namespace: 'remote', start_time: start, end_time: end, ...(fault ? { fault: true } : {}) }],
    }));
  }
  return out;
}

async function timed(port: number, what: string, op: string, body: unknown, runs: number, count: (r: Record<string, unknown>) => number): Promise<ApiQueryResult> {
  await post(port, op, body); // warm-up
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await post(port, op, body);
    times.push(performance.now() - t0);
    items = count(r);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { what, runs, p50Ms: q(0.5), p99Ms: q(0.99), items };
}

export async function benchApi(opts: BenchOptions, log: (s: string) => void): Promise<ApiResult> {
  const config = path.join(tmpdir(), `xrayd-api-bench-${process.pid}.yaml`);
  // Room for every segment: the default limits (1M segments, 512 MB) would evict some.
  writeFileSync(config, `Version: 2\nStore:\n  MaxSegments: ${opts.apiSegments + 1000}\n  MaxMB: 4096\n`);
  const daemon = await DaemonProcess.start(['--backend', 'local', '-l', 'info', '-c', config, ...opts.daemonArgs], {}, opts.nodeArgs);
  try {
    const port = daemon.tcpPort;
    await post(port, '/CreateGroup', { GroupName: 'shard7', FilterExpression: 'annotation.shard = 7' });
    const nowS = Date.now() / 1000;
    const t0 = performance.now();
    const perCall = 1000;
    // One call at a time: on a shared machine, queued bodies could outlive the API's 10 s body deadline.
    for (let sent = 0; sent < opts.apiSegments; sent += perCall) {
      await post(port, '/TraceSegments', { TraceSegmentDocuments: documents(Math.min(perCall, opts.apiSegments - sent), nowS, sent) });
      if (sent % 200_000 === 0) log(`  api bench: ${sent} segments stored`);
    }
    const fillSeconds = (performance.now() - t0) / 1000;
    const window = { StartTime: nowS - 3600, EndTime: nowS + 60 };
    const entries = (r: Record<string, unknown>) => (r.TimeSeriesServiceStatistics as unknown[]).length;
    const services = (r: Record<string, unknown>) => (r.Services as unknown[]).length;
    const queries = [
      await timed(port, 'GetTimeSeriesServiceStatistics, Default group, no selector, Period 60', '/TimeSeriesServiceStatistics', window, opts.queries, entries),
      await timed(port, 'GetTimeSeriesServiceStatistics `service("svc-3")`, Period 60', '/TimeSeriesServiceStatistics', { ...window, EntitySelectorExpression: 'service("svc-3")' }, opts.queries, entries),
      await timed(port, 'GetTimeSeriesServiceStatistics group shard7, `edge("svc-7", "db-1.example.com")`, forecast', '/TimeSeriesServiceStatistics', { ...window, GroupName: 'shard7', EntitySelectorExpression: 'edge("svc-7", "db-1.example.com")', ForecastStatistics: true }, opts.queries, entries),
      await timed(port, 'GetServiceGraph, group shard7 (`annotation.shard = 7`), last hour', '/ServiceGraph', { ...window, GroupName: 'shard7' }, opts.queries, services),
      await timed(port, 'GetServiceGraph, group shard7, last 5 minutes', '/ServiceGraph', { StartTime: nowS - 300, EndTime: nowS + 60, GroupName: 'shard7' }, opts.queries, services),
    ];
    const health = (await daemon.getJson('/healthz')).body as { store?: { segments: number } };
    return { segments: health.store?.segments ?? 0, fillSeconds, rssMB: statusKiB(daemon.pid!, 'VmRSS') / 1024, queries };
  } finally {
    await daemon.stop();
  }
}
