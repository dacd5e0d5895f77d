import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, HEADER, makeSegment, runCli, waitUntil } from '../helpers/daemon-process.js';

const tmpDir = () => mkdtempSync(path.join(os.tmpdir(), 'xrayd-spool-'));

interface Health {
  ok: boolean;
  status?: string;
  problems?: { component: string; reason: string }[];
  counters: { received: number; sent: number; spillover: number; rejected: number; replayed: number };
  spool: { bytes: number; limitBytes: number; segments: number; files: number; writable: boolean };
}
async function health(d: DaemonProcess): Promise<Health> {
  return (await d.getJson('/healthz')).body as Health;
}
/** received + replayed = sent + dropped + rejected + held, where held is what the spool and memory still have. */
function heldOf(c: Health['counters']): number {
  return c.received + c.replayed - c.sent - c.spillover - c.rejected;
}

async function sendSegments(port: number, n: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const udp = new UdpSender(port);
  const ids: string[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = makeSegment(extra);
      ids.push(s.id);
      await udp.send(HEADER + s.text);
    }
  } finally {
    udp.close();
  }
  return ids;
}

const delivered = (xray: FakeXray, ids: string[]) => {
  const got = new Set(xray.documents.map((d) => (JSON.parse(d) as { id: string }).id));
  return ids.filter((id) => got.has(id)).length;
};

test('kill -9 during an X-Ray outage, then a restart on the same spool: every segment is delivered', async () => {
  const dir = tmpDir();
  const xray = new FakeXray();
  await xray.listen();
  xray.unavailable = true;
  const args = ['--endpoint', xray.url, '-o', '--spool-dir', dir];
  const first = await DaemonProcess.start(args, testAwsEnv());
  let second: DaemonProcess | undefined;
  try {
    const ids = await sendSegments(first.udpPort, 300);
    // everything received is on disk once the spool holds it; only then is the kill "more than a moment later"
    await waitUntil(async () => (await health(first)).spool.segments >= 300, 'the spool holds all 300 segments');
    first.signal('SIGKILL');
    const exit = await first.waitForExit();
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(delivered(xray, ids), 0, 'nothing got through during the outage');
    xray.unavailable = false;
    second = await DaemonProcess.start(args, testAwsEnv());
    await xray.waitFor(() => delivered(xray, ids) === 300, 20_000, 'all 300 segments after the restart');
    const h = await health(second);
    assert.equal(h.counters.replayed, 300, 'the restart replayed the 300 spooled segments');
    await waitUntil(async () => (await health(second!)).spool.files === 0, 'delivered files deleted');
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.log')), [], 'the directory shrinks back');
    for (const call of xray.calls) assert.equal(call.signatureProblem, undefined);
  } finally {
    await second?.stop();
    await first.stop();
    await xray.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGTERM during an outage keeps what is held in the spool at once (not after the deadline); the next start delivers it', async () => {
  const dir = tmpDir();
  const cfg = path.join(dir, 'cfg.yaml');
  writeFileSync(cfg, 'Version: 2\nShutdownTimeoutMs: 60000\n');
  const xray = new FakeXray();
  await xray.listen();
  xray.unavailable = true;
  const spool = path.join(dir, 'spool');
  const args = ['--endpoint', xray.url, '-o', '--spool-dir', spool, '-c', cfg];
  const first = await DaemonProcess.start(args, testAwsEnv());
  let second: DaemonProcess | undefined;
  try {
    const ids = await sendSegments(first.udpPort, 120);
    await waitUntil(async () => (await health(first)).counters.received === 120, 'all received');
    const signalled = performance.now();
    first.signal('SIGTERM');
    assert.equal((await first.waitForExit()).code, 0);
    // one failed attempt ends the drain: the spool keeps the rest, so waiting out the 60 s deadline gains nothing
    assert.ok(performance.now() - signalled < 30_000, `stopped ${Math.round(performance.now() - signalled)} ms after SIGTERM`);
    const kept = first.logs.find((l) => l.msg === 'shutdown: undelivered segments kept in the spool for the next start');
    assert.equal(kept?.kept, 120, 'the shutdown line says how many wait in the spool');
    assert.equal(first.logs.filter((l) => /dropped/.test(l.msg)).length, 0, 'nothing dropped at shutdown');
    xray.unavailable = false;
    second = await DaemonProcess.start(args, testAwsEnv());
    await xray.waitFor(() => delivered(xray, ids) === 120, 20_000, 'the 120 segments after the restart');
  } finally {
    await second?.stop();
    await first.stop();
    await xray.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('replay after a restart leaves room for live traffic: new segments arrive while the backlog is still being sent', async () => {
  const dir = tmpDir();
  const xray = new FakeXray();
  await xray.listen();
  xray.unavailable = true;
  const args = ['--endpoint', xray.url, '-o', '--spool-dir', dir, '-m', '3'];
  let first: DaemonProcess | undefined;
  let second: DaemonProcess | undefined;
  try {
    first = await DaemonProcess.start(args, testAwsEnv());
    const backlog = await sendSegments(first.udpPort, 6000, { pad: 'p'.repeat(600) }); // ~5 MB: much of it waits on disk only
    await waitUntil(async () => (await health(first!)).spool.segments >= 6000, 'the spool holds all 6000 segments', 20_000);
    first.signal('SIGKILL');
    await first.waitForExit();
    xray.unavailable = false;
    xray.delayMs = 150; // a slow X-Ray: the replay (2 batches of 50 at a time) takes about 9 s
    second = await DaemonProcess.start(args, testAwsEnv());
    await xray.waitFor(() => xray.documents.length > 0, 10_000, 'replay started');
    const live = await sendSegments(second.udpPort, 20);
    await xray.waitFor(() => delivered(xray, live) === 20, 20_000, 'the 20 live segments');
    const replayedSoFar = delivered(xray, backlog);
    assert.ok(replayedSoFar < 6000, `live segments went out while the replay was still going (${replayedSoFar} of 6000 replayed)`);
    await xray.waitFor(() => delivered(xray, backlog) === 6000, 60_000, 'the whole backlog');
    const c = (await health(second)).counters;
    assert.equal(c.replayed, 6000);
    assert.equal(c.spillover, 0);
    assert.equal(xray.documents.length, 6020, 'nothing sent twice');
  } finally {
    await second?.stop();
    await first?.stop();
    await xray.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the spool never exceeds its limit under a 10x overflow; the excess is dropped and counted by reason', async () => {
  const dir = tmpDir();
  const xray = new FakeXray();
  await xray.listen();
  xray.unavailable = true;
  const d = await DaemonProcess.start(['--endpoint', xray.url, '-o', '--spool-dir', dir, '--spool-mb', '1', '-m', '3'], testAwsEnv());
  const limit = 1024 * 1024;
  let maxSeen = 0;
  // the daemon deletes settled files at any moment: one listed and gone by the stat counts nothing
  const sizeOf = (f: string) => {
    try {
      return statSync(path.join(dir, f)).size;
    } catch {
      return 0;
    }
  };
  const dirBytes = () => readdirSync(dir).reduce((n, f) => n + sizeOf(f), 0);
  const udp = new UdpSender(d.udpPort);
  try {
    const pad = 'x'.repeat(900);
    for (let i = 1; i <= 10_000; i++) {
      await udp.send(HEADER + makeSegment({ pad }).text); // ~1 KB each: 10 MB for a 1 MB spool
      // paced in bursts of 100 KB, below the kernel's default receive buffer cap (rmem_max, ~208 KB)
      if (i % 100 === 0) {
        maxSeen = Math.max(maxSeen, dirBytes());
        // paced so the kernel's socket buffer never overflows: every datagram reaches the daemon
        await waitUntil(async () => (await health(d)).counters.received === i, `${i} received`);
      }
    }
    await waitUntil(async () => (await health(d)).counters.received === 10_000, 'all received', 20_000);
    await waitUntil(async () => (await health(d)).counters.spillover > 0, 'spool-full drops');
    maxSeen = Math.max(maxSeen, dirBytes());
    assert.ok(maxSeen <= limit + 1024 * 1024, `spool directory peaked at ${maxSeen} bytes for a ${limit}-byte limit`);
    const metrics = await (await fetch(`http://127.0.0.1:${d.tcpPort}/metrics`)).text();
    assert.match(metrics, /xrayd_segments_dropped_total\{reason="spool-full"\} [1-9]/);
    assert.match(metrics, /xrayd_spool_bytes \d+/);
    assert.match(metrics, /xrayd_spool_segments \d+/);
    assert.match(metrics, /xrayd_spool_oldest_age_seconds [\d.]+/);
    const h = await health(d);
    assert.ok(heldOf(h.counters) >= 0 && heldOf(h.counters) <= 10_000);
    xray.unavailable = false;
    await waitUntil(async () => heldOf((await health(d)).counters) === 0, 'everything left delivered', 30_000);
    const end = await health(d);
    assert.equal(end.counters.sent + end.counters.spillover, 10_000, 'received = sent + dropped');
    assert.equal(end.counters.sent, xray.documents.length);
  } finally {
    udp.close(); // an open socket would keep this test file's process alive after a failure
    await d.stop();
    await xray.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tiny file size limit (ulimit -f) never crashes the daemon: the spool falls back to memory, shows it, and recovers', async () => {
  const dir = tmpDir();
  const xray = new FakeXray();
  await xray.listen();
  xray.unavailable = true;
  // 32 KB per file: every spool file hits EFBIG (SIGXFSZ is ignored by Node)
  const d = await DaemonProcess.start(['--endpoint', xray.url, '-o', '--spool-dir', dir], testAwsEnv(), [], { fileSizeKB: 32 });
  try {
    const ids = await sendSegments(d.udpPort, 400, { pad: 'y'.repeat(200) });
    let sawDegraded = false;
    await waitUntil(async () => {
      const h = await health(d);
      if (h.problems?.some((p) => p.component === 'spool' && /EFBIG/.test(p.reason))) sawDegraded = true;
      return sawDegraded;
    }, '/healthz reporting the spool write failure');
    xray.unavailable = false;
    await xray.waitFor(() => delivered(xray, ids) === 400, 30_000, 'every segment delivered from memory');
    await waitUntil(async () => (await health(d)).status === 'ok', 'the spool recovered by itself', 15_000);
    assert.ok(d.logs.some((l) => /cannot write to disk/.test(l.msg)), 'logged once per episode');
  } finally {
    await d.stop();
    await xray.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unusable spool directory stops the start with a message naming the key', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  try {
    const r = await runCli(['--endpoint', 'http://127.0.0.1:9', '-o', '-n', 'us-east-1', '-b', '127.0.0.1:0', '-t', '127.0.0.1:0', '--spool-dir', path.join(file, 'spool')], testAwsEnv());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Spool\.Directory \(--spool-dir\) ".*a-file\/spool": cannot create the directory/);
    const bad = await runCli(['--spool-mb', 'lots'], testAwsEnv());
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--spool-mb: expected a whole number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files of another program in the spool directory are left alone', async () => {
  const dir = tmpDir();
  writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
  writeFileSync(path.join(dir, 'xrayd-spool-zzzz.log'), 'not ours either');
  const xray = new FakeXray();
  await xray.listen();
  const d = await DaemonProcess.start(['--endpoint', xray.url, '-o', '--spool-dir', dir], testAwsEnv());
  try {
    const ids = await sendSegments(d.udpPort, 20);
    await xray.waitFor(() => delivered(xray, ids) === 20, 10_000, 'delivery');
  } finally {
    await d.stop();
    await xray.close();
  }
  assert.equal(readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'keep me');
  assert.equal(readFileSync(path.join(dir, 'xrayd-spool-zzzz.log'), 'utf8'), 'not ours either');
  rmSync(dir, { recursive: true, force: true });
});
