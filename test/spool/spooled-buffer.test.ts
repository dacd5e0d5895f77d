import { test } from 'node:test';
import assert from 'node:assert/strict';
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
