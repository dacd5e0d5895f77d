import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DaemonProcess, waitUntil } from '../helpers/daemon-process.js';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { RELIABILITY, benchIds, envNumber, health, offer, settled, withGenerators, type Counts } from './reliability-kit.js';

const RATE = envNumber('XRAYD_SIGNALS_RATE', 5000);
/** The daemon's shutdown deadline plus the time a process needs to exit. */
const EXIT_WITHIN_MS = DEFAULTS.shutdownTimeoutMs + 3000;

function stoppedCounters(daemon: DaemonProcess): Counts {
  const line = daemon.logs.find((l) => l.msg === 'xrayd stopped');
  assert.ok(line, 'the daemon logged its final counters');
  return line.counters as Counts;
}

test(`SIGTERM under ${RATE}/s load: exits 0 within the deadline, everything it received delivered`, RELIABILITY, async (t) => {
  const xray = new FakeXray();
  await xray.listen();
  const daemon = await DaemonProcess.start(['--endpoint', xray.url, '-l', 'info', '-o'], testAwsEnv());
  try {
    await withGenerators(1, async (g) => {
      const load = offer(g, daemon.udpPort, RATE, 6, 0x51);
      await waitUntil(async () => (await health(daemon)).counters.received > RATE * 2, 'load under way', 15_000);
      const signalledAt = Date.now();
      daemon.signal('SIGTERM');
      const exit = await daemon.waitForExit(EXIT_WITHIN_MS);
      const tookMs = Date.now() - signalledAt;
      const offered = await load;
      const c = stoppedCounters(daemon);
      const ids = benchIds(xray.documents);
      t.diagnostic(`exit ${exit.code} after ${tookMs} ms; offered ${offered.sent}, received ${c.received} before the socket closed, sent ${c.sent}, spillover ${c.spillover}, rejected ${c.rejected}; X-Ray got ${ids.size}`);
      assert.equal(exit.code, 0);
      assert.ok(tookMs < EXIT_WITHIN_MS);
      assert.ok(c.received < offered.sent, 'the signal came while load was still arriving');
      assert.equal(c.sent + c.spillover + c.rejected, c.received, 'every received segment accounted for');
      assert.equal(c.spillover + c.rejected, 0, 'with X-Ray up, everything received was delivered');
      assert.equal(ids.size, c.sent);
      assert.equal(xray.documents.length, ids.size, 'no duplicates');
    });
  } finally {
    await daemon.stop();
    await xray.close();
  }
});

test('SIGTERM with X-Ray down: exits within the deadline and counts what it could not deliver', RELIABILITY, async (t) => {
  const probe = new FakeXray();
  await probe.listen();
  const deadEndpoint = probe.url;
  await probe.close();
  const daemon = await DaemonProcess.start(['--endpoint', deadEndpoint, '-l', 'info', '-o'], testAwsEnv());
  try {
    await withGenerators(1, async (g) => {
      const offered = await offer(g, daemon.udpPort, 2000, 2, 0x52);
      await waitUntil(async () => (await health(daemon)).counters.received === offered.sent, 'all datagrams read', 10_000);
      const signalledAt = Date.now();
      daemon.signal('SIGTERM');
      const exit = await daemon.waitForExit(EXIT_WITHIN_MS);
      const tookMs = Date.now() - signalledAt;
      const c = stoppedCounters(daemon);
      t.diagnostic(`exit ${exit.code} after ${tookMs} ms; received ${c.received}, sent ${c.sent}, spillover ${c.spillover}`);
      assert.equal(exit.code, 0);
      assert.ok(tookMs < EXIT_WITHIN_MS, `took ${tookMs} ms`);
      assert.equal(c.received, offered.sent);
      assert.equal(c.sent, 0);
      assert.equal(c.spillover, c.received, 'everything undeliverable counted as spillover');
    });
  } finally {
    await daemon.stop();
  }
});

test('kill -9 under load, then a restart on the same ports relays again', RELIABILITY, async (t) => {
  const xray = new FakeXray();
  await xray.listen();
  const first = await DaemonProcess.start(['--endpoint', xray.url, '-l', 'info', '-o'], testAwsEnv());
  let second: DaemonProcess | undefined;
  try {
    await withGenerators(1, async (g) => {
      const load = offer(g, first.udpPort, RATE, 3, 0x53);
      await waitUntil(async () => (await health(first)).counters.sent > 0, 'deliveries under way', 15_000);
      first.signal('SIGKILL');
      assert.equal((await first.waitForExit(5000)).signal, 'SIGKILL');
      await load;
      const lostInKill = xray.documents.length;
      second = await DaemonProcess.start(['--endpoint', xray.url, '-l', 'info', '-o', '-b', `127.0.0.1:${first.udpPort}`, '-t', `127.0.0.1:${first.tcpPort}`], testAwsEnv());
      assert.equal(second.udpPort, first.udpPort);
      const offered = await offer(g, second.udpPort, RATE, 2, 0x54);
      await waitUntil(async () => settled((await health(second!)).counters) && (await health(second!)).counters.received === offered.sent, 'the restarted daemon delivered everything', 15_000);
      const c = (await health(second)).counters;
      const fresh = [...benchIds(xray.documents)].filter((id) => id.startsWith('54'));
      t.diagnostic(`before the kill X-Ray had ${lostInKill} documents; after the restart: offered ${offered.sent}, sent ${c.sent}, X-Ray got ${fresh.length} new`);
      assert.equal(c.sent, offered.sent);
      assert.equal(fresh.length, offered.sent);
    });
  } finally {
    await second?.stop();
    await first.stop();
    await xray.close();
  }
});
