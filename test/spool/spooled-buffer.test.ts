import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpooledBuffer } from '../../src/spool/spooled-buffer.js';
import { Counters } from '../../src/telemetry/counters.js';
import { NO_RECORDER } from '../../src/ledger/ledger-recorder.js';
import { HealthRegistry } from '../../src/health/component-health.js';
import { silentLogger } from '../../src/log/logger.js';

function open(dir: string, over: { maxBytes?: number; memoryLimitBytes?: number } = {}) {
  const counters = new Counters();
  const health = new HealthRegistry();
  const spool = SpooledBuffer.open({
    dir,
    maxBytes: over.maxBytes ?? 64 * 1024 * 1024,
    memoryLimitBytes: over.memoryLimitBytes ?? 8 * 1024 * 1024,
    counters,
    recorder: NO_RECORDER,
    health: health.component('spool'),
    logger: silentLogger,
  });
  return { spool, counters, health };
}
const doc = (i: number) => `{"id":"${i.toString(16).padStart(16, '0')}","n":${i}}`;
const drainAll = (spool: SpooledBuffer) => {
  const out: string[] = [];
  for (let b = spool.takeBatch(50); b; b = spool.takeBatch(50)) {
    out.push(...b.documents.map(String));
    spool.release(b);
  }
  return out;
};

test('what was pushed and not delivered survives a crash (no close): the next open replays it in order, once', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-unit-'));
  try {
    const a = open(dir);
    for (let i = 0; i < 100; i++) a.spool.push(doc(i), 40);
    const first = a.spool.takeBatch(30)!; // delivered before the crash...
    a.spool.release(first);
    a.spool.flush(); // ...and its ack written (the 100 ms timer does this in the daemon)
    // "kill -9": a is simply abandoned (its lock names this live process, which a new open treats as stale)
    const b = open(dir);
    assert.equal(b.counters.snapshot().replayed, 70);
    assert.deepEqual(drainAll(b.spool), Array.from({ length: 70 }, (_, i) => doc(i + 30)));
    b.spool.flush();
    assert.equal(b.spool.stats().files, 0, 'delivered files are deleted');
    b.spool.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn tail from a crash mid-write is skipped and counted, never fatal', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-unit-'));
  try {
    const a = open(dir);
    for (let i = 0; i < 10; i++) a.spool.push(doc(i), 40);
    a.spool.flush();
    const [file] = readdirSync(dir).filter((n) => n.endsWith('.log'));
    const p = path.join(dir, file);
    truncateSync(p, statSync(p).size - 7); // the last record loses its end
    appendFileSync(p, Buffer.from('XRS1 half a header')); // and junk after it
    const b = open(dir);
    assert.equal(b.counters.snapshot().replayed, 9);
    assert.ok(b.spool.stats().corruptBytes > 0);
    assert.deepEqual(drainAll(b.spool), Array.from({ length: 9 }, (_, i) => doc(i)));
    b.spool.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with memory full, the oldest documents wait on disk only and come back first; the limit drops the oldest', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-unit-'));
  try {
    const { spool, counters } = open(dir, { memoryLimitBytes: 64 * 1024, maxBytes: 400 * 1024 });
    const text = (i: number) => `{"id":"${i.toString(16).padStart(16, '0')}","pad":"${'p'.repeat(900)}"}`;
    for (let i = 0; i < 1000; i++) spool.push(text(i), 930); // ~1 MB into 64 KB of memory and a 400 KB spool
    spool.flush();
    assert.ok(spool.usedBytes <= 64 * 1024, `memory ${spool.usedBytes}`);
    assert.ok(spool.stats().bytes <= 400 * 1024 + 1024 * 1024);
    const dropped = counters.dropsByReason()['spool-full'] ?? 0;
    assert.ok(dropped > 0, 'past the limit the oldest are dropped');
    const out = drainAll(spool);
    assert.equal(out.length + dropped, 1000, 'every document delivered or counted as dropped');
    const ns = out.map((d) => parseInt(/"id":"([0-9a-f]+)"/.exec(d)![1], 16));
    assert.deepEqual(ns, [...ns].sort((x, y) => x - y), 'oldest first');
    assert.equal(ns.at(-1), 999, 'the newest survive');
    spool.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second daemon on the same directory is refused, naming the key', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-unit-'));
  try {
    writeFileSync(path.join(dir, 'xrayd-spool.lock'), `${process.ppid}\n`); // a live process that is not us
    assert.throws(() => open(dir), /Spool\.Directory \(--spool-dir\) .*in use by another xrayd \(pid \d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('replay leaves room for live traffic: with two replay batches out, the next batch is the newest in memory, and nothing is sent twice', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-unit-'));
  try {
    const { spool, counters } = open(dir, { memoryLimitBytes: 32 * 1024 });
    const text = (i: number) => `{"id":"${i.toString(16).padStart(16, '0')}","pad":"${'p'.repeat(900)}"}`;
    const idOf = (d: string) => parseInt(/"id":"([0-9a-f]+)"/.exec(d)![1], 16);
    for (let i = 0; i < 300; i++) spool.push(text(i), 930); // ~280 KB into 32 KB of memory: the oldest wait on disk
    spool.flush();
    const replay1 = spool.takeBatch(20)!;
    const replay2 = spool.takeBatch(20)!;
    assert.deepEqual(replay1.documents.map((d) => idOf(String(d))), Array.from({ length: 20 }, (_, i) => i), 'replay starts with the oldest');
    assert.equal(spool.oldestQueuedAt !== 0, true, 'replay paused: the backlog is not offered');
    const live = spool.takeBatch(20)!;
    const liveIds = live.documents.map((d) => idOf(String(d)));
    assert.ok(liveIds[0] > 200, `a live batch from memory while replay is paused (got ${liveIds[0]})`);
    for (let i = 300; i < 320; i++) spool.push(text(i), 930); // more live traffic evicts more of memory to disk
    spool.flush();
    const seen = [...replay1.documents, ...replay2.documents, ...live.documents].map((d) => idOf(String(d)));
    for (const b of [replay1, replay2, live]) spool.release(b);
    seen.push(...drainAll(spool).map(idOf));
    assert.equal(counters.dropsByReason()['spool-full'] ?? 0, 0);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 320 }, (_, i) => i), 'each document exactly once');
    spool.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('any mix of arrivals, replay, live batches, retries and restarts delivers every document at least once, and exactly once without a restart', () => {
  const step = fc.oneof(
    fc.record({ op: fc.constant('push' as const), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('take' as const), n: fc.integer({ min: 1, max: 30 }) }),
    fc.record({ op: fc.constantFrom('deliver' as const, 'fail' as const, 'retry' as const, 'flush' as const, 'restart' as const) }),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'spool-prop-'));
      try {
        let s = open(dir, { memoryLimitBytes: 24 * 1024 });
        const text = (i: number) => `{"id":"${i.toString(16).padStart(16, '0')}","pad":"${'p'.repeat(900)}"}`;
        const idOf = (d: unknown) => parseInt(/"id":"([0-9a-f]+)"/.exec(String(d))![1], 16);
        let next = 0;
        let restarted = false;
        let out: NonNullable<ReturnType<SpooledBuffer["takeBatch"]>>[] = [];
        const delivered: number[] = [];
        for (const st of steps) {
          if (st.op === 'push') for (let i = 0; i < st.n; i++) s.spool.push(text(next++), 930);
          else if (st.op === 'take') {
            const b = s.spool.takeBatch(st.n) ?? s.spool.takeDueRetry();
            if (b) out.push(b);
          } else if (st.op === 'deliver' && out.length) {
            const b = out.shift()!;
            delivered.push(...b.documents.map(idOf));
            s.spool.release(b);
          } else if (st.op === 'fail' && out.length) {
            const b = out.shift()!;
            b.notBefore = 0;
            s.spool.hold(b);
          } else if (st.op === 'retry') {
            const b = s.spool.takeDueRetry();
            if (b) out.push(b);
          } else if (st.op === 'flush') s.spool.flush();
          else if (st.op === 'restart') {
            s.spool.close(); // a clean stop: what is not delivered stays on disk
            s = open(dir, { memoryLimitBytes: 24 * 1024 });
            out = [];
            restarted = true;
          }
        }
        for (const b of out) s.spool.release(b), delivered.push(...b.documents.map(idOf));
        for (let b = s.spool.takeDueRetry() ?? s.spool.takeBatch(50); b; b = s.spool.takeDueRetry() ?? s.spool.takeBatch(50)) {
          delivered.push(...b.documents.map(idOf));
          s.spool.release(b);
        }
        s.spool.close();
        assert.equal(s.counters.dropsByReason()['spool-full'] ?? 0, 0);
        const distinct = [...new Set(delivered)].sort((a, b) => a - b);
        assert.deepEqual(distinct, Array.from({ length: next }, (_, i) => i), 'every document delivered');
        if (!restarted) assert.equal(delivered.length, next, 'none twice');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: Number(process.env.XRAYD_SPOOL_RUNS ?? 150) },
  );
});
