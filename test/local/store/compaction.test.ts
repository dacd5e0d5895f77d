import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundFaults } from '../../../src/health/background-faults.js';
import { HealthRegistry } from '../../../src/health/component-health.js';
import { silentLogger } from '../../../src/log/logger.js';
import { replaySegmentLog } from '../../../src/local/store/replay-segment-log.js';
import { SegmentLog, segmentLogHealth } from '../../../src/local/store/segment-log.js';
import { TraceStore, type StoreInput } from '../../../src/local/store/trace-store.js';
import { parseSegment } from '../../../src/local/store/validate-segment.js';
import { waitUntil } from '../../helpers/daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'xrayd-compaction-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = (): string => join(dir, `store-${++n}.log`);

let serial = 0;
/** Document `i` of trace number `trace`; `extra` makes a different version of it. */
function doc(trace: number, i: number, extra: Record<string, unknown>): StoreInput {
  const text = JSON.stringify({
    name: 'svc',
    id: (trace * 16 + i).toString(16).padStart(16, '0'),
    trace_id: `1-6560a000-${trace.toString(16).padStart(24, '0')}`,
    start_time: 1_700_000_000 + trace,
    ...extra,
  });
  const check = parseSegment(text);
  assert.ok(check.ok);
  return { doc: check.doc, text };
}

/** Documents of `traces` new traces, `perTrace` each. */
function batch(traces: number, perTrace = 2): StoreInput[] {
  const out: StoreInput[] = [];
  for (let t = 0; t < traces; t++) {
    const trace = serial++;
    for (let i = 0; i < perTrace; i++) out.push(doc(trace, i, { end_time: 1_700_000_001 + trace, metadata: { pad: { p: 'x'.repeat(200) } } }));
  }
  return out;
}

/** Document `i` of an earlier trace number, with different content. */
const revisit = (trace: number, i: number): StoreInput => doc(trace, i, { end_time: 1_700_000_002 + trace, annotations: { revisited: true } });

function withHealth(path: string, compactMinBytes = 1) {
  const registry = new HealthRegistry();
  const faults = new BackgroundFaults(registry, silentLogger);
  const log = new SegmentLog(path, compactMinBytes, silentLogger, segmentLogHealth(faults, silentLogger));
  return { registry, faults, log };
}

async function replayIds(path: string): Promise<Set<string>> {
  const ids = new Set<string>();
  await replaySegmentLog(path, (t) => ids.add((JSON.parse(t) as { id: string }).id));
  return ids;
}

describe('store log compaction', () => {
  it('into an occupied temp path (EISDIR): reported, not thrown, the directory left alone, backed off, and recovered', async () => {
    const path = freshPath();
    mkdirSync(`${path}.tmp`);
    const { registry, faults, log } = withHealth(path);
    const store = new TraceStore({ maxSegments: 10, maxBytes: 1e9 });
    store.attachJournal(log);
    store.putMany(batch(50)); // 100 documents, 10 live: compaction is due
    await new Promise((r) => setImmediate(r));
    await log.close().catch(() => {}); // waits for the running compaction (no rejection either way)
    assert.deepEqual(registry.list().map((p) => p.component), ['store-compaction']);
    assert.match(registry.list()[0].reason, /EISDIR/);
    assert.ok(statSync(`${path}.tmp`).isDirectory());
    assert.equal(faults.totals().get('store-compaction'), 1);
  });

  it('after a failure, later batches do not retry at once (backoff); a later attempt succeeds and clears the problem', async () => {
    const path = freshPath();
    mkdirSync(`${path}.tmp`);
    const { registry, faults, log } = withHealth(path);
    const store = new TraceStore({ maxSegments: 10, maxBytes: 1e9 });
    store.attachJournal(log);
    store.putMany(batch(50));
    // wait for the first attempt's failure to be counted rather than joining it with compact(): on Node 26
    // it can end within one event-loop turn, and compact() would then start a second attempt itself
    await waitUntil(() => faults.totals().get('store-compaction') === 1, 'the first compaction failure');
    for (let i = 0; i < 20; i++) {
      store.putMany(batch(5));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(faults.totals().get('store-compaction'), 1, 'not retried on every batch');
    rmdirSync(`${path}.tmp`);
    await log.compact(store.liveTexts()); // what the backoff's next attempt does
    assert.equal(registry.degraded, false);
    assert.equal(log.compactions, 1);
    assert.ok(!existsSync(`${path}.tmp`));
    const live = new Set([...store.range({ startTime: 0, endTime: 2e9, by: 'TraceId' })].flatMap((t) => t.trace.segments.map((s) => s.id)));
    await log.close();
    assert.deepEqual(await replayIds(path), live);
  });

  it('a compaction spanning many event-loop turns writes the live set of its start (evicted or replaced meanwhile) plus every record appended meanwhile', async () => {
    const path = freshPath();
    const { log, registry } = withHealth(path, Number.MAX_SAFE_INTEGER);
    const store = new TraceStore({ maxSegments: 4000, maxBytes: 1e9 });
    store.attachJournal(log);
    const first = serial; // trace numbers from here on, the oldest first
    store.putMany(batch(3000)); // 6000 documents offered, 4000 live
    const liveAtStart = new Set([...store.range({ startTime: 0, endTime: 2e9, by: 'TraceId' })].flatMap((t) => t.trace.segments.map((d) => JSON.stringify(d))));
    const compaction = log.compact(store.liveTexts());
    // intake goes on while compaction writes: new traces arrive and evict the oldest, a trace
    // evicted meanwhile comes back with a new document, a live one gets a replaced document
    const appended: string[] = [];
    let turns = 0;
    let done = false;
    void compaction.then(() => (done = true));
    while (!done) {
      const inputs = [...batch(20), revisit(first + 1000 + turns, 9), revisit(first + 2500 + turns, 0)];
      store.putMany(inputs);
      appended.push(...inputs.map((i) => i.text));
      turns++;
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(turns > 3, `intake ran during the compaction (${turns} turns)`);
    assert.equal(log.compactions, 1);
    assert.equal(registry.degraded, false);
    await log.close();
    const replayed = new Set<string>();
    await replaySegmentLog(path, (text) => replayed.add(text));
    const missing = [...liveAtStart, ...appended].filter((t) => !replayed.has(t));
    assert.deepEqual(missing, [], 'every live-at-start and appended record is in the new log');
    const appendedSet = new Set(appended);
    const extra = [...replayed].filter((t) => !liveAtStart.has(t) && !appendedSet.has(t));
    assert.deepEqual(extra, [], 'nothing else (no record dead at the start)');
  });
});
