import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DaemonProcess, waitUntil } from '../helpers/daemon-process.js';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { RELIABILITY, RssTrace, benchIds, envNumber, health, offer, settled, withGenerators, type Health } from './reliability-kit.js';

const OUTAGE_SECONDS = envNumber('XRAYD_OUTAGE_SECONDS', 30);
const RATE = envNumber('XRAYD_OUTAGE_RATE', 1000);
const BEFORE_S = 5;
const AFTER_S = 5;
const BUDGET_MB = 8;

test(`outage: X-Ray down ${OUTAGE_SECONDS} s under ${RATE}/s with -m ${BUDGET_MB}: RSS bounded, spillover exact, the held rest delivered`, { ...RELIABILITY, timeout: (OUTAGE_SECONDS + 150) * 1000 }, async (t) => {
  const xray = new FakeXray();
  await xray.listen();
  const port = xray.port;
  let revived: FakeXray | undefined;
  const daemon = await DaemonProcess.start(['--endpoint', xray.url, '-m', String(BUDGET_MB), '-l', 'info', '-o'], testAwsEnv());
  try {
    await withGenerators(1, async (g) => {
      const rss = new RssTrace(daemon.pid!, 250);
      const load = offer(g, daemon.udpPort, RATE, BEFORE_S + OUTAGE_SECONDS + AFTER_S, 0x0a);
      const t0 = Date.now();
      const at = (s: number) => new Promise((r) => setTimeout(r, Math.max(0, t0 + s * 1000 - Date.now()))); // the outage's schedule, not synchronisation
      await at(BEFORE_S);
      await xray.close();
      const outageStart = Date.now() - t0;
      const during: Health[] = [];
      while (Date.now() - t0 < (BEFORE_S + OUTAGE_SECONDS) * 1000) {
        during.push(await health(daemon));
        await at((Date.now() - t0) / 1000 + 0.5);
      }
      const atRecovery = await health(daemon);
      revived = new FakeXray();
      await revived.listen(port);
      const outageEnd = Date.now() - t0;
      let firstDeliveryMs = NaN;
      void revived.waitFor(() => revived!.documents.length > 0, 60_000).then(() => (firstDeliveryMs = Date.now() - t0 - outageEnd), () => {});
      const offered = await load;
      rss.stop();
      await waitUntil(async () => settled((await health(daemon)).counters), 'every segment accounted for', 60_000);
      const end = await health(daemon);
      const docs = [...xray.documents, ...revived.documents];
      const ids = benchIds(docs);
      const held = atRecovery.counters.received - atRecovery.counters.sent - atRecovery.counters.spillover - atRecovery.counters.rejected;
      const before = rss.between(0, outageStart);
      const inOutage = rss.between(outageStart, outageEnd);
      const c = end.counters;
      t.diagnostic(`offered ${offered.sent} (${Math.round(offered.achievedRate)}/s); at recovery: held ${held} segments, ${atRecovery.buffer.usedBytes} of ${atRecovery.buffer.limitBytes} bytes, spillover ${atRecovery.counters.spillover}`);
      t.diagnostic(`end: received ${c.received} = sent ${c.sent} + spillover ${c.spillover} + rejected ${c.rejected}; X-Ray stand-in got ${docs.length} documents, ${ids.size} distinct`);
      const receivedAfter = c.received - atRecovery.counters.received;
      const spilledAfter = c.spillover - atRecovery.counters.spillover;
      t.diagnostic(`after recovery: first delivery ${firstDeliveryMs} ms after X-Ray came back (the backoff); ${receivedAfter} arrived, ${spilledAfter} older ones displaced while the buffer was still full`);
      t.diagnostic(`RSS MB: before the outage max ${Math.max(...before).toFixed(1)}, during max ${Math.max(...inOutage).toFixed(1)}, overall peak ${rss.peak.toFixed(1)}`);
      assert.equal(c.received, offered.sent, 'the daemon read every datagram');
      assert.equal(c.sent + c.spillover + c.rejected, c.received, 'received == sent + spillover + rejected');
      assert.equal(c.rejected, 0);
      assert.ok(c.spillover > 0, 'the budget was exceeded, so there is spillover');
      assert.equal(c.sent, ids.size, 'sent matches what X-Ray received');
      assert.equal(docs.length, ids.size, 'no duplicates (refused connections never reached X-Ray)');
      // once X-Ray is back, only arrivals into a still-full buffer displace held data (drop-oldest); nothing else is lost
      assert.ok(spilledAfter <= receivedAfter, `${spilledAfter} dropped after recovery, but only ${receivedAfter} arrived`);
      assert.equal(daemon.logs.filter((l) => /retry window exhausted/.test(l.msg)).length, 0, 'no held batch outlived its retry window');
      assert.ok(held > 0, 'segments were held at recovery');
      assert.ok(during.every((h) => h.buffer.usedBytes <= h.buffer.limitBytes), 'the buffer never exceeded its budget');
      assert.equal(end.buffer.usedBytes, 0, 'nothing left behind');
      assert.ok(Math.max(...inOutage) <= Math.max(...before) + 2 * BUDGET_MB + 24, `RSS during the outage ${Math.max(...inOutage).toFixed(1)} MB vs ${Math.max(...before).toFixed(1)} MB before`);
      for (const call of [...xray.calls, ...revived.calls]) assert.equal(call.signatureProblem, undefined);
    });
  } finally {
    await daemon.stop();
    await revived?.close();
  }
});
