import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DaemonProcess, HEADER, UdpSender, makeSegment, waitUntil } from '../helpers/daemon-process.js';
import { refusals } from './browser-requests.js';

/**
 * The attacks of issue 11 made by a real Chromium: a page on attacker.example (mapped to 127.0.0.1 by the
 * browser's resolver, as DNS rebinding would) posts to the daemon and reads from it. The browser sets
 * Host, Origin and Sec-Fetch-* itself.
 */
const CHROMIUM = '/usr/bin/chromium';
const skipBrowser = existsSync(CHROMIUM) || process.env.CI ? false : `${CHROMIUM} is not installed`;

describe('attacks from a real browser page', { skip: skipBrowser }, () => {
  let daemon: DaemonProcess;
  let attacker: http.Server;
  let attackerPort: number;
  let browser: Browser;
  let page: Page;

  before(async () => {
    daemon = await DaemonProcess.start(['--backend', 'local']);
    attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>attacker</title>'));
    attacker.listen(0, '127.0.0.1');
    await once(attacker, 'listening');
    attackerPort = (attacker.address() as AddressInfo).port;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--host-resolver-rules=MAP attacker.example 127.0.0.1'],
    });
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    attacker?.close();
    await daemon?.stop();
  });

  async function traceStored(traceId: string): Promise<boolean> {
    const res = await fetch(`http://127.0.0.1:${daemon.tcpPort}/Traces`, { method: 'POST', body: JSON.stringify({ TraceIds: [traceId] }) });
    return ((await res.json()) as { Traces: unknown[] }).Traces.length > 0;
  }

  it('CSRF: a cross-site fetch POST /TraceSegments (text/plain, no preflight) stores nothing', async () => {
    await page.goto(`http://attacker.example:${attackerPort}/`);
    const s = makeSegment({ name: 'csrf' });
    const traceId = (JSON.parse(s.text) as { trace_id: string }).trace_id;
    const before = await refusals(daemon.tcpPort);
    await page.evaluate(
      async ([target, body]) => {
        await fetch(target, { method: 'POST', mode: 'no-cors', body });
      },
      [`http://127.0.0.1:${daemon.tcpPort}/TraceSegments`, JSON.stringify({ TraceSegmentDocuments: [s.text] })],
    );
    await waitUntil(async () => (await refusals(daemon.tcpPort)).origin === before.origin + 1, 'the refusal to be counted');
    assert.equal(await traceStored(traceId), false);
  });

  it('DNS rebinding: the console and the API answer 403 to a page named attacker.example', async () => {
    const s = makeSegment({ name: 'secret-service' });
    const udp = new UdpSender(daemon.udpPort);
    await udp.send(HEADER + s.text);
    udp.close();
    const traceId = (JSON.parse(s.text) as { trace_id: string }).trace_id;
    await waitUntil(() => traceStored(traceId), 'the segment to be stored');

    const nav = await page.goto(`http://attacker.example:${daemon.tcpPort}/`);
    assert.equal(nav?.status(), 403);
    const read = await page.evaluate(async () => {
      const now = Math.floor(Date.now() / 1000);
      const res = await fetch('/TraceSummaries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ StartTime: now - 3600, EndTime: now + 60 }) });
      return { status: res.status, text: await res.text() };
    });
    assert.equal(read.status, 403);
    assert.ok(!read.text.includes('secret-service'));
  });

  it('the console opened as http://localhost:<port>/ works (its same-origin calls pass)', async () => {
    const s = makeSegment({ name: 'via-localhost' });
    const udp = new UdpSender(daemon.udpPort);
    await udp.send(HEADER + s.text);
    udp.close();
    await page.goto(`http://localhost:${daemon.tcpPort}/`);
    await page.getByText('via-localhost').first().waitFor({ timeout: 10_000 });
  });
});
