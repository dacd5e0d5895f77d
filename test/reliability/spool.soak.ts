import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DaemonProcess, HEADER, makeSegment, waitUntil } from '../helpers/daemon-process.js';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { RELIABILITY, RssTrace, envNumber } from './reliability-kit.js';

const ROUNDS = envNumber('XRAYD_CRASH_ROUNDS', 8);
const RATE = envNumber('XRAYD_CRASH_RATE', 1000);

interface Healthz {
  counters: { received: number; sent: number; spillover: number; rejected: number; replayed: number };
  spool: { segments: number; files: number; bytes: number };
}
const healthz = async (d: DaemonProcess) => (await d.getJson('/healthz')).body as Healthz;
const idOf = (doc: string) => /"id":"([0-9a-f]{16})"/.exec(doc)![1];

/** Sends `rate` segments/s from one socket until stopped; remembers every id in send order. */
class Load {
  readonly ids: string[] = [];
  private readonly socket = dgram.createSocket('udp4');
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly port: number, rate: number) {
    const perTick = Math.max(1, Math.round(rate / 100));
    this.timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        const s = makeSegment({ pad: 'p'.repeat(300) });
        this.ids.push(s.id);
        this.socket.send(HEADER + s.text, this.port, '127.0.0.1');
      }
    }, 10);
  }
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.socket.close();
  }
}

test(`crash and restart: ${ROUNDS} kill -9 at random moments under ${RATE}/s, X-Ray down in some rounds; every segment received more than 1 s before a kill is delivered`, { ...RELIABILITY, timeout: (ROUNDS * 15 + 120) * 1000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xrayd-crash-soak-'));
  const xray = new FakeXray();
  await xray.listen();
  const args = ['--endpoint', xray.url, '-o', '-l', 'info', '--spool-dir', dir];
  const required: string[] = [];
  let offered = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      xray.unavailable = round % 3 === 1; // some rounds crash in the middle of an outage
      const d = await DaemonProcess.start(args, testAwsEnv());
      const load = new Load(d.udpPort, RATE);
      // what the daemon had read, over time: it reads its one socket in order, so the first N sent are the N received
      const seen: { at: number; received: number }[] = [];
      const killAt = Date.now() + 2000 + Math.random() * 4000;
      while (Date.now() < killAt) {
        const h = await healthz(d).catch(() => undefined);
        if (h) seen.push({ at: Date.now(), received: h.counters.received });
        await new Promise((r) => setTimeout(r, 50)); // sampling period, not synchronisation
      }
      d.signal('SIGKILL');
      const killedAt = Date.now();
      load.stop();
      await d.waitForExit();
      const sure = seen.filter((s) => s.at <= killedAt - 1000).at(-1)?.received ?? 0;
      required.push(...load.ids.slice(0, sure));
      offered += load.ids.length;
      t.diagnostic(`round ${round}: X-Ray ${xray.unavailable ? 'down' : 'up'}, killed after ${load.ids.length} sent; ${sure} received more than 1 s before the kill`);
    }
    xray.unavailable = false;
    const last = await DaemonProcess.start(args, testAwsEnv());
    try {
      const got = () => new Set(xray.documents.map(idOf));
      await xray.waitFor(() => {
        const g = got();
        return required.every((id) => g.has(id));
      }, 60_000, 'every segment received more than 1 s before a kill');
      await waitUntil(async () => (await healthz(last)).spool.segments === 0, 'the spool emptied', 30_000);
      const h = await healthz(last);
      const c = h.counters;
      assert.equal(c.received + c.replayed, c.sent + c.spillover + c.rejected, 'the last run balances: received + replayed = sent + dropped + rejected (nothing held)');
      assert.equal(c.spillover, 0, 'nothing dropped');
      const docs = xray.documents.length;
      const distinct = got().size;
      t.diagnostic(`offered ${offered}; required ${required.length}; X-Ray got ${docs} documents, ${distinct} distinct (${docs - distinct} duplicates after crashes); last run replayed ${c.replayed}`);
      for (const call of xray.calls) assert.equal(call.signatureProblem, undefined);
    } finally {
      await last.stop();
    }
  } finally {
    await xray.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('replay after a long outage, with live traffic beside it: RSS stays within the footprint target while a large spool drains', { ...RELIABILITY, timeout: 300_000 }, async (t) => {
  const SEGMENTS = envNumber('XRAYD_REPLAY_SEGMENTS', 60_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xrayd-replay-soak-'));
  const xray = new FakeXray();
  await xray.listen();
  const args = ['--endpoint', xray.url, '-o', '-l', 'info', '--spool-dir', dir, '-m', '8'];
  try {
    const first = await DaemonProcess.start(args, testAwsEnv());
    // the yardstick: the same daemon relaying the same load live, X-Ray up
    const live = new RssTrace(first.pid!, 100);
    const load = new Load(first.udpPort, 4000);
    await waitUntil(async () => load.ids.length >= 40_000, 'live relay of 40k segments', 60_000);
    live.stop();
    xray.unavailable = true;
    const before = load.ids.length;
    await waitUntil(async () => load.ids.length - before >= SEGMENTS, `${SEGMENTS} sent during the outage`, 120_000);
    load.stop();
    await waitUntil(async () => {
      const h = await healthz(first);
      return h.spool.segments >= h.counters.received - h.counters.sent;
    }, 'everything undelivered on disk', 30_000);
    const spooled = await healthz(first);
    await first.stop();
    xray.unavailable = false;
    xray.delayMs = 20; // X-Ray answering at a realistic pace, so the replay lasts and live traffic runs beside it
    const second = await DaemonProcess.start(args, testAwsEnv());
    const rss = new RssTrace(second.pid!, 100);
    const during = new Load(second.udpPort, 4000);
    try {
      await waitUntil(async () => (await healthz(second)).spool.segments === 0, 'replay done', 180_000);
      during.stop();
      rss.stop();
      const liveIds = during.ids;
      await xray.waitFor(() => {
        const got = new Set(xray.documents.map(idOf));
        return liveIds.every((id) => got.has(id));
      }, 30_000, 'the live segments sent during the replay');
      const c = (await healthz(second)).counters;
      const seconds = (rss.samples.at(-1)!.atMs - rss.samples[0].atMs) / 1000;
      t.diagnostic(`spooled ${spooled.spool.segments} segments in ${(spooled.spool.bytes / 1024 / 1024).toFixed(1)} MB; replayed ${c.replayed} in ${seconds.toFixed(1)} s beside ${liveIds.length} live segments, sent ${c.sent}`);
      t.diagnostic(`RSS: live relay at 4000/s peak ${live.peak.toFixed(1)} MB; replay with 4000/s live: at start ${rss.samples[0].mb.toFixed(1)} MB, peak ${rss.peak.toFixed(1)} MB`);
      assert.equal(c.spillover, 0, 'nothing dropped');
      assert.equal(c.sent, c.replayed + c.received);
      // replay reads 256 KB at a time with at most 2 batches from disk in flight: no worse than live relaying (plus the buffer budget)
      assert.ok(rss.peak <= live.peak + 8 + 8, `replay RSS peak ${rss.peak.toFixed(1)} MB vs live relay peak ${live.peak.toFixed(1)} MB`);
      // the footprint target (issue 13): peak RSS <= 96 MB up to 50k/s
      assert.ok(rss.peak <= 96, `replay RSS peak ${rss.peak.toFixed(1)} MB (target 96 MB)`);
    } finally {
      during.stop();
      await second.stop();
    }
  } finally {
    await xray.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
