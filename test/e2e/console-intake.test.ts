import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { DaemonProcess, UdpSender, HEADER, makeSegment, waitUntil } from '../helpers/daemon-process.js';

test('the console Intake view shows rejections with a sample of the bytes, and looks a trace up in the ledger', async () => {
  const d = await DaemonProcess.start(['--backend', 'local']);
  const udp = new UdpSender(d.udpPort);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const good = makeSegment({ name: 'intake-good' });
    const traceId = (JSON.parse(good.text) as { trace_id: string }).trace_id;
    await udp.send(HEADER + good.text);
    await udp.send('{"format":"json","version":2}\n{"oops":true}');
    await waitUntil(async () => (await d.getJson('/healthz')).body.counters.rejected === 1 && JSON.stringify((await d.getJson(`/debug/traces/${traceId}`)).body).includes('stored locally'), 'intake');
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${d.tcpPort}/#/intake`);
    const problems = page.getByRole('region', { name: 'Intake' }).locator('[aria-label="Recent rejections and drops"]');
    await problems.getByText('bad-header').waitFor({ timeout: 10_000 });
    assert.match(await problems.locator('code.sample').first().innerText(), /\{"format":"json","version":2\}/);
    await page.getByPlaceholder(/Paste a trace id/).fill(traceId);
    await page.getByRole('button', { name: 'Look up' }).click();
    const record = page.locator('[aria-label="Trace record"]');
    await record.getByText('stored locally', { exact: false }).waitFor({ timeout: 10_000 });
    assert.deepEqual(await record.locator('.event').allInnerTexts(), ['received', 'sent']);
    assert.match(page.url(), new RegExp(`#/intake/${traceId}$`), 'the lookup is in the URL (shareable, back button)');
    assert.match(await page.locator('[aria-label="Counters"]').innerText(), /No disk spool/);
  } finally {
    await browser.close();
    udp.close();
    await d.stop();
  }
});
