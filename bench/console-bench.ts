import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DaemonProcess, REPO_ROOT } from '../test/helpers/daemon-process.js';
import { CHROMIUM, launchChromium } from '../test/e2e/console-browser.js';
import type { LoadSource } from './generators.js';
import type { BenchOptions } from './options.js';
import { fillTraces } from './local-bench.js';

/**
 * The web console in headless Chromium against the built daemon: time to first render of a trace
 * with `consoleNodes` segments and subsegments (the virtualised waterfall), how long a scroll frame
 * takes through it, and time to first render of the trace list with `consoleTraces` traces stored.
 * Times are from navigation start to the first row on screen, in a fresh page each run.
 */
export interface ConsoleResult {
  nodes: number;
  traceFirstRenderMs: number[];
  /** Mean time per animation frame while scrolling the whole waterfall, 600 px a frame. */
  scrollFrameMs: number;
  storedTraces: number;
  listedTraces: number;
  listFirstRenderMs: number[];
  /** Until every page (up to the console's 2,000 traces) is listed. */
  listCompleteMs: number[];
}

const RUNS = 3;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** One trace of about `nodes` rows: an entry segment calling N services, each a segment with 100 subsegments. */
function bigTrace(nodes: number): { traceId: string; docs: string[] } {
  const now = Date.now() / 1000 - 5;
  const traceId = `1-${Math.floor(now).toString(16)}-${hex(12)}`;
  const services = Math.max(1, Math.round(nodes / 102));
  const calls = Array.from({ length: services }, (_, i) => ({ id: hex(8), name: `svc-${i}`, namespace: 'remote', start_time: now + i * 0.001, end_time: now + 0.5 + i * 0.001 }));
  const root = { trace_id: traceId, id: hex(8), name: 'entry', start_time: now, end_time: now + 1, http: { request: { method: 'GET', url: 'http://bench/big' }, response: { status: 200 } }, subsegments: calls };
  const docs = [JSON.stringify(root)];
  for (const call of calls) {
    const subsegments = Array.from({ length: 100 }, (_, j) => ({ id: hex(8), name: `query-${j % 7}`, start_time: call.start_time + j * 0.004, end_time: call.start_time + j * 0.004 + 0.003 }));
    docs.push(JSON.stringify({ trace_id: traceId, id: hex(8), parent_id: call.id, name: call.name, start_time: call.start_time + 0.0005, end_time: call.end_time - 0.0005, subsegments }));
  }
  return { traceId, docs };
}

async function put(port: number, docs: string[]): Promise<void> {
  for (let i = 0; i < docs.length; i += 50) {
    const res = await fetch(`http://127.0.0.1:${port}/TraceSegments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ TraceSegmentDocuments: docs.slice(i, i + 50) }) });
    if (res.status !== 200) throw new Error(`PutTraceSegments answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  }
}

export async function benchConsole(opts: BenchOptions, gens: LoadSource, log: (s: string) => void): Promise<ConsoleResult | { unavailable: string }> {
  if (!existsSync(CHROMIUM)) return { unavailable: `${CHROMIUM} is not installed` };
  if (!existsSync(path.join(REPO_ROOT, 'dist/console/index.html'))) return { unavailable: 'the console is not built (npm run build)' };
  const daemon = await DaemonProcess.start(['--backend', 'local', '-l', 'info', ...opts.daemonArgs]);
  const browser = await launchChromium();
  try {
    const base = `http://127.0.0.1:${daemon.tcpPort}`;
    const storedNow = async () => ((await daemon.getJson('/healthz')).body as { store?: { segments: number } }).store?.segments ?? 0;
    const big = bigTrace(opts.consoleNodes);
    await put(daemon.tcpPort, big.docs);
    log(`console: a trace of ${big.docs.length} documents; filling ${opts.consoleTraces} traces`);
    await fillTraces(daemon.udpPort, storedNow, gens, opts, opts.consoleTraces + big.docs.length);
    const storedTraces = (await storedNow()) - big.docs.length + 1;

    const firstRender = async (hash: string, selector: string, complete?: number[]): Promise<number> => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      try {
        const t0 = performance.now();
        await page.goto(`${base}/${hash}`);
        await page.locator(selector).first().waitFor({ timeout: 60_000 });
        const first = performance.now() - t0;
        if (complete !== undefined) {
          await page.locator('.status-line', { hasNotText: 'loading more' }).locator('strong').waitFor({ timeout: 60_000 });
          complete.push(performance.now() - t0);
        }
        return first;
      } finally {
        await page.close();
      }
    };
    const traceFirstRenderMs: number[] = [];
    for (let i = 0; i < RUNS; i++) traceFirstRenderMs.push(await firstRender(`#/traces/${big.traceId}`, '.wf-row'));
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${base}/#/traces/${big.traceId}`);
    await page.locator('.wf-row').first().waitFor({ timeout: 60_000 });
    const nodes = Number(/(\d+) rows/.exec(await page.locator('.trace-meta').innerText())?.[1] ?? 0);
    // Runs in the page (CDP, not the page's CSP): scroll to the bottom 600 px per frame, timing the frames.
    const scrollFrameMs = await page.evaluate(
      () =>
        new Promise<number>((done) => {
          const doc = globalThis as unknown as { document: { querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number } | null }; requestAnimationFrame(cb: (t: number) => void): void };
          const el = doc.document.querySelector('.waterfall');
          if (el === null) return done(Number.NaN);
          let frames = 0;
          let first: number | undefined;
          const step = (t: number) => {
            first ??= t;
            if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1 || frames > 2000) return done((t - first) / Math.max(1, frames));
            el.scrollTop += 600;
            frames++;
            doc.requestAnimationFrame(step);
          };
          doc.requestAnimationFrame(step);
        }),
    );
    await page.close();
    const listFirstRenderMs: number[] = [];
    const listCompleteMs: number[] = [];
    for (let i = 0; i < RUNS; i++) listFirstRenderMs.push(await firstRender('#/traces?range=1h', 'tr.trace-row', listCompleteMs));
    const listPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await listPage.goto(`${base}/#/traces?range=1h`);
    await listPage.locator('.status-line', { hasNotText: 'loading more' }).locator('strong').waitFor({ timeout: 60_000 });
    const listedTraces = await listPage.locator('tr.trace-row').count();
    await listPage.close();
    return { nodes, traceFirstRenderMs, scrollFrameMs, storedTraces, listedTraces, listFirstRenderMs, listCompleteMs };
  } finally {
    await browser.close();
    await daemon.stop();
  }
}
