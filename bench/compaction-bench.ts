/**
 * How long store-log compaction blocks the event loop: fills a TraceStore with N documents (default
 * 1,000,000, `--documents=N`) journaled to a log in a temp directory, then, while intake goes on
 * (a batch stored every millisecond), alternates a compaction with an equally long window without
 * one (`--rounds=N`, default 4) and reports for each window the event-loop delay
 * (perf_hooks.monitorEventLoopDelay: p99, max, mean), the loop's utilisation and the GC pauses.
 * Run after a build:
 * `node --max-old-space-size=6000 dist/bench/compaction-bench.js [--documents=N] [--rounds=N]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { SegmentLog } from '../src/local/store/segment-log.js';
import { TraceStore, type StoreInput } from '../src/local/store/trace-store.js';
import { parseSegment } from '../src/local/store/validate-segment.js';

const arg = process.argv.find((a) => a.startsWith('--documents='));
const DOCUMENTS = arg ? Number(arg.split('=')[1]) : 1_000_000;
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
const ROUNDS = roundsArg ? Number(roundsArg.split('=')[1]) : 4;
const PER_TRACE = 5;

let serial = 0;
function inputs(count: number): StoreInput[] {
  const out: StoreInput[] = [];
  const now = Date.now() / 1000;
  for (let i = 0; i < count; i++) {
    const n = serial++;
    const trace = Math.floor(n / PER_TRACE);
    const text = JSON.stringify({
      name: `service-${trace % 20}`,
      id: n.toString(16).padStart(16, '0'),
      trace_id: `1-${Math.floor(now).toString(16)}-${trace.toString(16).padStart(24, '0')}`,
      start_time: now,
      end_time: now + 0.05,
      http: { request: { method: 'GET', url: `https://example.com/items/${n}` }, response: { status: 200 } },
      annotations: { customer: `c-${n % 1000}` },
    });
    const check = parseSegment(text);
    if (!check.ok) throw new Error(check.message);
    out.push({ doc: check.doc, text });
  }
  return out;
}

/** Event-loop delay, utilisation and GC pauses over one window of the run. */
interface Window {
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Share of the window the loop was busy (performance.eventLoopUtilization). */
  utilization: number;
  gcCount: number;
  gcMaxMs: number;
  gcTotalMs: number;
}

/** `label` and the window's bounds (ms since start, as `--trace-gc` prints them) go to stderr. */
async function measure(label: string, work: () => Promise<unknown>): Promise<Window & { ms: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const gcPauses: number[] = [];
  const gc = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
  gc.observe({ entryTypes: ['gc'] });
  const elu = performance.eventLoopUtilization();
  delay.enable();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  delay.disable();
  gc.disconnect();
  process.stderr.write(`window ${label} ${Math.round(started)} ${Math.round(started + ms)}\n`);
  const round = (v: number) => +v.toFixed(1);
  return {
    ms: Math.round(ms),
    p99Ms: round(delay.percentile(99) / 1e6),
    maxMs: round(delay.max / 1e6),
    meanMs: round(delay.mean / 1e6),
    utilization: +performance.eventLoopUtilization(elu).utilization.toFixed(2),
    gcCount: gcPauses.length,
    gcMaxMs: round(Math.max(0, ...gcPauses)),
    gcTotalMs: round(gcPauses.reduce((a, b) => a + b, 0)),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-compaction-bench-'));
  try {
    const store = new TraceStore({ maxSegments: DOCUMENTS, maxBytes: 64 * 1024 ** 3 });
    // compaction is triggered by hand below, never by the fill
    const log = new SegmentLog(path.join(dir, 'store.log'), Number.MAX_SAFE_INTEGER);
    store.attachJournal(log);
    for (let left = DOCUMENTS; left > 0; left -= 1000) store.putMany(inputs(Math.min(1000, left)));
    const logBytes = log.bytes;
    process.stderr.write(`stored ${store.stats().segments} documents, log ${(logBytes / 1e6).toFixed(0)} MB\n`);

    // intake throughout: a small batch every millisecond, as the dispatcher would deliver them
    const intake = setInterval(() => store.putMany(inputs(10)), 1);
    // compaction and the same intake without it, interleaved (the order alternates per round), so
    // a noisy neighbour or a heap that grows over the run weighs on both alike
    const rounds: { compaction: Window & { ms: number; snapshotMs: number }; without: Window & { ms: number } }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let snapshotMs = 0;
      const compact = () =>
        measure('compaction', async () => {
          const t = performance.now();
          const snapshot = store.liveTexts();
          snapshotMs = +(performance.now() - t).toFixed(1);
          await log.compact(snapshot);
        });
      const idle = (ms: number) => measure('without', () => new Promise((resolve) => setTimeout(resolve, ms)));
      if (r % 2 === 0) {
        const compaction = { ...(await compact()), snapshotMs };
        rounds.push({ compaction, without: await idle(compaction.ms) });
      } else {
        const without = await idle(rounds[0].compaction.ms);
        rounds.push({ compaction: { ...(await compact()), snapshotMs }, without });
      }
      process.stderr.write(`round ${r + 1}: ${JSON.stringify(rounds[r])}\n`);
    }
    clearInterval(intake);
    await log.close();
    const result = {
      documents: DOCUMENTS,
      logMBBefore: Math.round(logBytes / 1e6),
      logMBAfter: Math.round(statSync(path.join(dir, 'store.log')).size / 1e6),
      compactions: log.compactions,
      rounds,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
