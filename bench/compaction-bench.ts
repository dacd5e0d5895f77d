/**
 * How long store-log compaction blocks the event loop: fills a TraceStore with N documents (default
 * 1,000,000, `--documents=N`) journaled to a log in a temp directory, then compacts it while
 * intake goes on (a batch stored every millisecond) and reports the event-loop delay measured by
 * perf_hooks.monitorEventLoopDelay during the compaction, plus its duration. Run after a build:
 * `node --max-old-space-size=4096 dist/bench/compaction-bench.js [--documents=N]`.
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

    const delay = monitorEventLoopDelay({ resolution: 1 });
    // intake meanwhile: a small batch every millisecond, as the dispatcher would deliver them
    let appended = 0;
    const intake = setInterval(() => {
      store.putMany(inputs(10));
      appended += 10;
    }, 1);
    // garbage-collection pauses, reported apart: they come from the heap holding N documents and
    // happen with or without compaction
    const gcPauses: number[] = [];
    const gc = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
    gc.observe({ entryTypes: ['gc'] });
    delay.enable();
    const started = performance.now();
    const snapshot = store.liveTexts();
    const snapshotMs = performance.now() - started;
    await log.compact(snapshot);
    const ms = performance.now() - started;
    delay.disable();
    gc.disconnect();
    const appendedDuringCompaction = appended;
    // the same intake for as long with no compaction: what the heap alone costs
    const baseline = monitorEventLoopDelay({ resolution: 1 });
    const baselineGc: number[] = [];
    const gc2 = new PerformanceObserver((list) => baselineGc.push(...list.getEntries().map((e) => e.duration)));
    gc2.observe({ entryTypes: ['gc'] });
    baseline.enable();
    await new Promise((resolve) => setTimeout(resolve, ms));
    baseline.disable();
    gc2.disconnect();
    clearInterval(intake);
    await log.close();
    const result = {
      documents: DOCUMENTS,
      logMBBefore: Math.round(logBytes / 1e6),
      logMBAfter: Math.round(statSync(path.join(dir, 'store.log')).size / 1e6),
      compactionMs: Math.round(ms),
      snapshotMs: +snapshotMs.toFixed(1),
      gcPausesMs: { count: gcPauses.length, max: +Math.max(0, ...gcPauses).toFixed(1), over50: gcPauses.filter((p) => p > 50).length },
      appendedDuringCompaction,
      eventLoopDelayMs: {
        max: +(delay.max / 1e6).toFixed(1),
        p99: +(delay.percentile(99) / 1e6).toFixed(1),
        mean: +(delay.mean / 1e6).toFixed(1),
      },
      compactions: log.compactions,
      withoutCompaction: {
        eventLoopDelayMaxMs: +(baseline.max / 1e6).toFixed(1),
        p99Ms: +(baseline.percentile(99) / 1e6).toFixed(1),
        gcPauseMaxMs: +Math.max(0, ...baselineGc).toFixed(1),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
