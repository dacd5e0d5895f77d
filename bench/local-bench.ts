import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DaemonProcess, REPO_ROOT } from '../test/helpers/daemon-process.js';
import type { LoadSource } from './generators.js';
import type { BenchOptions } from './options.js';
import { cpuMicros, statusKiB } from './proc-stats.js';

/**
 * The local backend: how fast segments go from UDP into the store, and how long GetTraceSummaries
 * (POST /TraceSummaries on the TCP port) takes over the stored traces, with and without a filter.
 * Every bench segment has its own trace id, so `localTraces` segments make that many traces.
 */
export interface QueryResult {
  filter: string | undefined;
  runs: number;
  /** Latency of the first page (what a console or `aws xray get-trace-summaries` waits for). */
  p50Ms: number;
  p99Ms: number;
  firstPageTraces: number;
  tracesProcessed: number;
  /** Following NextToken to the end: pages, matches, and total time (one run). */
  fullScan: { pages: number; traces: number; ms: number };
}

export interface LocalResult {
  traces: number;
  ingest: { offeredRate: number; sent: number; stored: number; seconds: number; rate: number; cpuMicrosPerSegment: number; rssMB: number };
  queries: QueryResult[];
  /** CPU profile of the local daemon (with --profile). */
  profile?: string;
}

interface LocalHealth {
  counters: { received: number; sent: number; rejected: number; spillover: number };
  store?: { segments: number; traces?: number };
}

export const FILTERS: (string | undefined)[] = [undefined, 'service("svc-3")', 'http.status = 500', 'annotation.shard = 7 AND responsetime > 0.01'];

const TAG = 0xee;

async function post(port: number, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export async function benchLocal(opts: BenchOptions, gens: LoadSource): Promise<LocalResult | { unavailable: string }> {
  if (!existsSync(path.join(REPO_ROOT, 'dist/src/local/local-backend.js'))) return { unavailable: 'this build has no local backend (src/local/local-backend.ts); skipped' };
  const nodeArgs = [...opts.nodeArgs];
  let profile: string | undefined;
  if (opts.profileDir) {
    mkdirSync(opts.profileDir, { recursive: true });
    profile = path.resolve(opts.profileDir, 'daemon-local.cpuprofile');
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.dirname(profile)}`, `--cpu-prof-name=${path.basename(profile)}`);
  }
  const daemon = await DaemonProcess.start(['--backend', 'local', '-l', 'info', ...opts.daemonArgs], {}, nodeArgs);
  try {
    const health = async () => (await daemon.getJson('/healthz')).body as LocalHealth;
    if (!(await health()).store) return { unavailable: 'this build has no local store (/healthz reports no "store"); merge local-store first' };
    const pid = daemon.pid!;
    const storedNow = async () => (await health()).store?.segments ?? 0;
    // 1. ingest: the offered rate for the usual seconds; what reached the store per second
    const cpu0 = cpuMicros(pid);
    const started = performance.now();
    const ingestFor = Math.min(opts.seconds, opts.localTraces / opts.localRate);
    const offered = await gens.offer({ port: daemon.udpPort, rate: opts.localRate, seconds: ingestFor, tag: TAG, bytes: opts.bytes, variants: 20, sockets: opts.sockets });
    const { stored, storedAt } = await storeSettled(storedNow, offered.sent, started);
    const ingestSeconds = (storedAt - started) / 1000;
    const ingest = {
      offeredRate: offered.achievedRate,
      sent: offered.sent,
      stored,
      seconds: ingestSeconds,
      rate: stored / ingestSeconds,
      cpuMicrosPerSegment: (cpuMicros(pid) - cpu0) / Math.max(1, stored),
      rssMB: 0,
    };
    // 2. fill up to `localTraces` traces at a rate the daemon keeps up with (every segment is its own trace)
    // sequence numbers continue past the most any sender could have sent, so every trace id is new
    await fillTraces(daemon.udpPort, storedNow, gens, opts, opts.localTraces, Math.ceil((opts.localRate * ingestFor) / gens.count) + 1);
    ingest.rssMB = statusKiB(pid, 'VmRSS') / 1024;
    const queries: QueryResult[] = [];
    for (const filter of FILTERS) queries.push(await timeQueries(daemon.tcpPort, filter, opts.queries));
    return { traces: await storedNow(), ingest, queries, profile };
  } finally {
    await daemon.stop();
  }
}

/**
 * Sends one-segment traces until the store holds `target` segments, at `localFillRate` (a rate the
 * daemon keeps up with); `firstSeq` keeps the trace ids new. Shared with the console bench.
 */
export async function fillTraces(udpPort: number, storedNow: () => Promise<number>, gens: LoadSource, opts: BenchOptions, target: number, firstSeq = 1): Promise<void> {
  let seq = firstSeq;
  for (let round = 0; round < 20; round++) {
    const have = await storedNow();
    if (have >= target) break;
    const want = target - have;
    const seconds = Math.max(1, want / opts.localFillRate);
    const t0 = performance.now();
    const fill = await gens.offer({ port: udpPort, rate: (want * 1.02 + 10) / seconds, seconds, tag: TAG, bytes: opts.bytes, variants: 20, sockets: opts.sockets, firstSeq: seq });
    seq += Math.ceil((want * 1.02 + 10) / gens.count) + 1;
    await storeSettled(storedNow, have + fill.sent, t0);
  }
}

/** Polls the store's segment count until it reaches `target` or stops moving for a second. */
async function storeSettled(read: () => Promise<number>, target: number, started: number): Promise<{ stored: number; storedAt: number }> {
  let stored = await read();
  let lastChange = performance.now();
  let storedAt = started;
  while (stored < target && performance.now() - lastChange < 1000) {
    await new Promise((r) => setTimeout(r, 20)); // polling the store's count
    const s = await read();
    if (s !== stored) {
      stored = s;
      lastChange = storedAt = performance.now();
    }
  }
  return { stored, storedAt };
}

async function timeQueries(port: number, filter: string | undefined, runs: number): Promise<QueryResult> {
  const now = Date.now() / 1000;
  const window = { StartTime: now - 3600, EndTime: now + 60, ...(filter ? { FilterExpression: filter } : {}) };
  await post(port, '/TraceSummaries', window); // warm-up: compile the filter path once, not measured
  const times: number[] = [];
  let firstPageTraces = 0;
  let tracesProcessed = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const { status, json } = await post(port, '/TraceSummaries', window);
    times.push(performance.now() - t0);
    if (status !== 200) throw new Error(`GetTraceSummaries ${filter ?? ''} answered ${status}: ${JSON.stringify(json).slice(0, 300)}`);
    firstPageTraces = (json.TraceSummaries as unknown[]).length;
    tracesProcessed = Number(json.TracesProcessedCount ?? 0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  // one full pass following NextToken, as a client listing everything would
  let pages = 0;
  let traces = 0;
  let token: unknown;
  const t0 = performance.now();
  do {
    const { json } = await post(port, '/TraceSummaries', { ...window, ...(token ? { NextToken: token } : {}) });
    pages++;
    traces += (json.TraceSummaries as unknown[] | undefined)?.length ?? 0;
    token = json.NextToken;
  } while (token && pages < 10_000);
  return { filter, runs, p50Ms: q(0.5), p99Ms: q(0.99), firstPageTraces, tracesProcessed, fullScan: { pages, traces, ms: performance.now() - t0 } };
}
