import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeXray } from '../helpers/fake-xray.js';
import { startInProcess, sendSegments } from '../helpers/in-process-daemon.js';
import { waitUntil } from '../helpers/daemon-process.js';

const sum = (records: Record<string, unknown>[], key: string) => records.reduce((a, r) => a + Number(r[key]), 0);

test('an outage of several seconds under load loses nothing, and telemetry adds up exactly', async () => {
  const first = new FakeXray();
  await first.listen();
  const port = first.port;
  const { daemon, udp } = await startInProcess({ endpoint: first.url, telemetryIntervalMs: 250 });
  let second: FakeXray | undefined;
  try {
    const texts = await sendSegments(udp, 60, 'before-outage');
    await first.waitFor(() => texts.every((t) => first.documents.includes(t)), 10_000, 'pre-outage delivery');
    await first.close(); // X-Ray goes away
    const outageEnds = Date.now() + 3000;
    while (Date.now() < outageEnds) {
      texts.push(...(await sendSegments(udp, 20, 'during-outage')));
      await new Promise((r) => setTimeout(r, 100)); // paced load, not synchronisation
    }
    assert.ok(daemon.counters.snapshot().backendErrors.refused > 0, 'the outage was seen');
    second = new FakeXray();
    await second.listen(port); // X-Ray is back
    texts.push(...(await sendSegments(udp, 60, 'after-outage')));
    const all = () => [...first.documents, ...second!.documents];
    await second.waitFor(() => texts.every((t) => all().includes(t)), 20_000, 'every segment after recovery');
    await waitUntil(() => daemon.counters.snapshot().sent === texts.length, 'sent to settle');
    await daemon.shutdown(); // final record after the final flush
    const records = [...first.telemetry, ...second.telemetry];
    const c = daemon.counters.snapshot();
    assert.equal(c.received, texts.length);
    assert.equal(sum(records, 'SegmentsReceivedCount'), texts.length, 'telemetry received');
    assert.equal(sum(records, 'SegmentsSentCount'), texts.length, 'telemetry sent');
    assert.equal(sum(records, 'SegmentsRejectedCount'), 0);
    assert.equal(sum(records, 'SegmentsSpilloverCount'), 0);
    const refused = records.reduce((a, r) => a + (r.BackendConnectionErrors as { ConnectionRefusedCount: number }).ConnectionRefusedCount, 0);
    assert.equal(refused, c.backendErrors.refused, 'every failed attempt reported once');
    const all2 = all();
    assert.equal(new Set(all2).size, all2.length, 'no duplicates in this outage (refused requests never reached X-Ray)');
  } finally {
    udp.close();
    await daemon.shutdown();
    await second?.close();
  }
});

test('a 3 MB budget with a dead backend: memory stays bounded, spillover counted, recovery afterwards', async () => {
  const probe = new FakeXray();
  await probe.listen();
  const port = probe.port;
  await probe.close(); // dead backend on a known port
  const { daemon, udp } = await startInProcess({ endpoint: `http://127.0.0.1:${port}`, bufferMemoryMB: 3 });
  const xray = new FakeXray();
  try {
    const limit = daemon.buffer.limitBytes;
    assert.equal(limit, 3 * 1024 * 1024);
    let peak = 0;
    const padding = 'x'.repeat(900);
    for (let round = 0; round < 40; round++) {
      await sendSegments(udp, 100, `load-${padding}`);
      await new Promise((r) => setImmediate(r));
      peak = Math.max(peak, daemon.buffer.usedBytes);
    }
    await waitUntil(() => daemon.counters.snapshot().received === 4000, 'all datagrams read');
    peak = Math.max(peak, daemon.buffer.usedBytes);
    assert.ok(peak <= limit, `buffer peaked at ${peak} > ${limit}`);
    const during = daemon.counters.snapshot();
    assert.ok(during.spillover > 0, 'spillover counted');
    await xray.listen(port);
    await waitUntil(() => {
      const c = daemon.counters.snapshot();
      return c.sent + c.spillover + c.rejected === 4000;
    }, 'every segment accounted for', 20_000);
    const c = daemon.counters.snapshot();
    assert.ok(c.sent > 0, 'recovered and delivered what it held');
    assert.equal(c.sent, xray.documents.length);
    assert.equal(c.sent + c.spillover, 4000, 'every segment either delivered or counted as spillover');
  } finally {
    udp.close();
    await daemon.shutdown();
    await xray.close();
  }
});
