import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BatchGetTracesCommand,
  CreateGroupCommand,
  GetGroupsCommand,
  GetSamplingRulesCommand,
  GetTimeSeriesServiceStatisticsCommand,
  GetTraceSummariesCommand,
  PutTraceSegmentsCommand,
  type XRayClient,
} from '@aws-sdk/client-xray';
import type { Browser, Page } from 'playwright-core';
import { DaemonProcess, waitUntil } from '../helpers/daemon-process.js';
import { clientFor, sendRequests, type RequestSpec } from '../helpers/local-xray.js';
import { analysisFixtures, type AnalysisFixtures } from './console-analysis-fixtures.js';
import { CHROMIUM, launchChromium, shoot, waitForCount, waitForValue } from './console-browser.js';

const skipBrowser = existsSync(CHROMIUM) || process.env.CI ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

describe('console analysis views against the daemon', { skip: skipBrowser }, () => {
  let daemon: DaemonProcess;
  let client: XRayClient;
  let browser: Browser;
  let page: Page;
  let base: string;
  let fx: AnalysisFixtures;
  const pageErrors: string[] = [];
  const rows = () => page.locator('tr.trace-row');
  const listedIds = () => rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id') ?? '').sort());
  const window15m = () => ({ StartTime: new Date(Date.now() - 15 * 60_000), EndTime: new Date(Date.now() + 60_000) });

  const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-console-'));

  before(async () => {
    // Insights are looked for every 200 ms (instead of every minute) so a fault burst opens one quickly.
    writeFileSync(path.join(dir, 'xrayd.yaml'), 'Version: 2\nInsightsIntervalMs: 200\n');
    daemon = await DaemonProcess.start(['--backend', 'local', '-c', path.join(dir, 'xrayd.yaml')]);
    await waitUntil(() => daemon.tcpPort !== 0, 'the TCP port');
    base = `http://127.0.0.1:${daemon.tcpPort}`;
    client = clientFor(daemon);
    fx = analysisFixtures(Date.now() / 1000);
    const put = await client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: fx.documents }));
    assert.deepEqual(put.UnprocessedTraceSegments ?? [], []);
    await waitUntil(async () => ((await client.send(new GetTraceSummariesCommand(window15m()))).TraceSummaries ?? []).length === 7, 'the seeded traces');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(10000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await browser?.close();
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plots every listed trace with a shape per outcome, and a click opens the trace', async () => {
    await page.goto(`${base}/#/traces`);
    await waitForCount(rows(), 7, 'trace rows');
    const points = page.locator('.scatter-chart g.point');
    assert.equal(await points.count(), 7);
    const shapeOf = async (id: string) => page.locator(`.scatter-chart g.point[data-id="${id}"] .shape`).evaluate((el) => `${el.tagName}:${el.getAttribute('class')}`);
    const shapes = await Promise.all(fx.fast.map(async (f) => [f.health, await shapeOf(f.id)]));
    assert.deepEqual(shapes, [
      ['ok', 'circle:shape shape-ok'],
      ['error', 'path:shape shape-error'],
      ['throttle', 'rect:shape shape-throttle'],
      ['fault', 'path:shape shape-fault'],
    ]);
    // error and fault are both paths: a triangle has three corners, a diamond four
    const corners = async (id: string) => ((await page.locator(`.scatter-chart g.point[data-id="${id}"] path`).getAttribute('d')) ?? '').split(/[LH]/).length;
    assert.notEqual(await corners(fx.fast[1].id), await corners(fx.fast[3].id));
    await shoot(page, 'console-latency');
    await page.locator(`.scatter-chart g.point[data-id="${fx.cartB}"]`).click();
    await page.locator('.trace-id', { hasText: fx.cartB }).waitFor();
    // back with the trace view's own button (Esc is covered in console.test.ts; here a key can land on the chart)
    await page.locator('.trace-view button.back').click();
    await page.locator('section.traces-view').waitFor({ state: 'visible' });
    await waitForCount(rows(), 7, 'trace rows');
    // From the keyboard: the first → lands on the oldest point, Enter opens it
    await page.locator('.scatter-chart svg[role=group]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.locator('.trace-id', { hasText: fx.checkoutId }).waitFor();
    // back with the trace view's own button (Esc is covered in console.test.ts; here a key can land on the chart)
    await page.locator('.trace-view button.back').click();
    await page.locator('section.traces-view').waitFor({ state: 'visible' });
    await waitForCount(rows(), 7, 'trace rows');
  });

  it('brushing a time range on the scatter plot narrows the window and the list', async () => {
    await page.locator('.scatter-chart .brush-area').waitFor({ state: 'visible' });
    const box = (await page.locator('.scatter-chart .brush-area').boundingBox())!;
    // From the left edge to the middle: the older half of the last ten minutes.
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/from=.*to=/);
    const params = new URLSearchParams(page.url().split('?')[1]);
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    const api = await client.send(new GetTraceSummariesCommand({ StartTime: new Date(Math.floor(from) * 1000), EndTime: new Date(Math.ceil(to) * 1000) }));
    const expected = (api.TraceSummaries ?? []).map((s) => s.Id ?? '').sort();
    assert.ok(expected.length > 0 && expected.length < 7, `the brushed window holds some traces, not all: ${expected.length}`);
    await waitForValue(listedIds, expected, 'the listed traces');
    assert.match(await page.locator('.window-chip').innerText(), /Window/);
    await page.locator('.window-chip button').click();
    await waitForCount(rows(), 7, 'trace rows');
    assert.doesNotMatch(page.url(), /from=/);
  });

  it('a histogram selection adds the response-time range to the filter, and the list follows', async () => {
    await page.locator('.hist-bar').first().click();
    await waitForValue(() => page.inputValue('input[name=filter]'), 'responsetime >= 0 AND responsetime <= 0.05', 'the filter');
    const api = await client.send(new GetTraceSummariesCommand({ ...window15m(), FilterExpression: 'responsetime >= 0 AND responsetime <= 0.05' }));
    const expected = (api.TraceSummaries ?? []).map((s) => s.Id ?? '').sort();
    assert.deepEqual(expected, fx.fast.map((f) => f.id).sort());
    await waitForValue(listedIds, expected, 'the listed traces');
    assert.match(page.url(), /q=responsetime/);
    await shoot(page, 'console-histogram-filter');
    // From the keyboard: a bar, Shift+→ widens, Enter applies; the new range replaces the old one.
    await page.locator('button[aria-label="Clear filter"]').click();
    await waitForCount(rows(), 7, 'trace rows');
    await page.locator('.hist-bar').nth(5).focus();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Enter');
    await waitForValue(() => page.inputValue('input[name=filter]'), 'responsetime >= 0.25 AND responsetime <= 0.35', 'the filter');
    await waitForValue(listedIds, [fx.cartA], 'the listed traces');
    await page.locator('button[aria-label="Clear filter"]').click();
    await waitForCount(rows(), 7, 'trace rows');
  });

  it('marks exactly the critical path of a crafted trace, and the toggle hides it', async () => {
    await page.goto(`${base}/#/traces/${fx.checkoutId}`);
    await page.locator('.wf-row').nth(6).waitFor();
    assert.deepEqual(await page.locator('.wf-row .wf-label').allInnerTexts(), ['checkout', 'auth', 'fetch-prices', 'fetch-stock', 'stock-db', 'audit-log', 'late-callback']);
    assert.deepEqual(await page.locator('.wf-row.critical .wf-label').allInnerTexts(), fx.expectedCriticalPath);
    // Not by colour alone: each marked row says so in text, and its bar carries the path's sections.
    assert.equal(await page.locator('.wf-row.critical .cp-mark').count(), fx.expectedCriticalPath.length);
    assert.equal(await page.locator('.wf-row:not(.critical) .wf-critical').count(), 0);
    assert.match(await page.locator('.cp-legend').innerText(), /\(5\)/);
    await shoot(page, 'console-critical-path');
    await page.locator('.cp-toggle input').uncheck();
    assert.equal(await page.locator('.wf-row.critical').count(), 0);
    await page.locator('.cp-toggle input').check();
    assert.equal(await page.locator('.wf-row.critical').count(), 5);
  });

  it('shows the trace statistics, sorts them, and highlights the lines a search finds', async () => {
    await page.locator('.segmented button', { hasText: 'Statistics' }).click();
    await page.waitForURL(/tab=statistics/);
    const lines = page.locator('.stats-table tbody tr');
    await waitForCount(lines, 7, 'statistics lines');
    // Sorted by total, largest first: the root
    assert.equal(await lines.first().getAttribute('data-operation'), 'checkout');
    await page.locator('.stats-table th button', { hasText: 'Operation' }).click();
    assert.deepEqual(await lines.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operation'))), [
      'audit-log', 'auth', 'checkout', 'fetch-prices', 'fetch-stock', 'late-callback', 'stock-db',
    ]);
    const stock = page.locator('.stats-table tr[data-operation="fetch-stock"] td');
    assert.deepEqual((await stock.allInnerTexts()).slice(2), ['1', '600 ms', '600 ms', '600 ms', '600 ms', '200 ms']);
    await page.fill('input[name=find]', 'fetch');
    await waitForValue(() => page.locator('.stats-table tr.match').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operation'))), ['fetch-prices', 'fetch-stock'], 'the highlighted lines');
    await page.waitForURL(/find=fetch/);
    await shoot(page, 'console-statistics');
    await page.locator('.segmented button', { hasText: 'Timeline' }).click();
    assert.deepEqual(await page.locator('.wf-row.match .wf-label').allInnerTexts(), ['fetch-prices', 'fetch-stock']);
    // The deep link reopens the same view
    await page.reload();
    assert.equal(await page.inputValue('input[name=find]'), 'fetch');
  });

  it('compares with the most typical trace of the same URL: only-in-B node, largest delta first', async () => {
    await page.goto(`${base}/#/traces/${fx.cartA}`);
    await page.locator('.compare-box button').click();
    await page.waitForURL(new RegExp(`#/compare/${fx.cartA}/${fx.cartB}`));
    const onlyB = page.locator('.compare-row[data-presence="onlyB"]');
    await onlyB.first().waitFor();
    assert.deepEqual(await onlyB.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name'))), ['recommendations']);
    assert.match(await onlyB.innerText(), /only in B/);
    await shoot(page, 'console-compare');
    await page.locator('.segmented button', { hasText: 'Largest difference first' }).click();
    await page.waitForURL(/sort=delta/);
    const names = await page.locator('.compare-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name')));
    assert.deepEqual(names.slice(0, 2), ['cart', 'recommendations']);
    assert.equal((await page.locator('.compare-row').first().locator('td.delta').innerText()).trim(), '+600 ms');
    await shoot(page, 'console-compare-delta');
    // The deep link reopens the same comparison in the same order
    await page.reload();
    await waitForValue(() => page.locator('.compare-row').evaluateAll((trs) => trs.slice(0, 2).map((tr) => tr.getAttribute('data-name'))), ['cart', 'recommendations'], 'the first rows after a reload');
  });

  it('renders a dropped batch-get-traces file without storing it', async () => {
    const batch = await client.send(new BatchGetTracesCommand({ TraceIds: [fx.checkoutId, fx.cartB] }));
    const text = JSON.stringify({ Traces: batch.Traces, UnprocessedTraceIds: [] });
    await page.goto(`${base}/#/file`);
    // A real drop event carrying the file (this runs in the page; the test's own types have no DOM).
    const transfer = await page.evaluateHandle((json) => {
      const dom = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: string[], name: string, options: object) => unknown };
      const dt = new dom.DataTransfer();
      dt.items.add(new dom.File([json], 'batch-get-traces.json', { type: 'application/json' }));
      return dt;
    }, text);
    await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: transfer });
    await waitForCount(page.locator('tr.file-trace'), 2, 'traces from the file');
    await shoot(page, 'console-file');
    await page.locator(`tr.file-trace[data-id="${fx.checkoutId}"]`).focus();
    await page.keyboard.press('Enter');
    await page.locator('.wf-row').nth(6).waitFor();
    assert.deepEqual(await page.locator('.wf-row.critical .wf-label').allInnerTexts(), fx.expectedCriticalPath);
    // An OTLP JSON file, picked with the file input: translated in the page as the daemon translates OTLP
    await page.goto(`${base}/#/file`);
    await page.setInputFiles('input[name=trace-file]', { name: 'spans.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(otlpFile())) });
    await page.locator('.wf-row').nth(1).waitFor();
    assert.deepEqual(await page.locator('.wf-row .wf-label').allInnerTexts(), ['checkout', 'GET inventory']);
    assert.match(await page.locator('.trace-meta').innerText(), /250 ms/);
    await shoot(page, 'console-file-otlp');
    // Nothing was stored: the daemon does not know the trace
    const stored = await client.send(new BatchGetTracesCommand({ TraceIds: ['1-6553f100-0123456789abcdef01234567'] }));
    assert.deepEqual(stored.Traces ?? [], []);
  });

  it('service health: the totals on the page equal what GetTimeSeriesServiceStatistics returns', async () => {
    const outcomes: RequestSpec['outcome'][] = ['ok', 'ok', 'ok', 'ok', 'ok', 'error', 'error', 'throttle', 'fault', 'fault'];
    await sendRequests(client, outcomes.map((outcome, i) => ({ service: 'orders', outcome, ms: 20 + i * 10, endS: Date.now() / 1000 - 5 - i })));
    const start = Math.floor((Date.now() / 1000 - 15 * 60) / 60) * 60;
    const series = async () =>
      (await client.send(new GetTimeSeriesServiceStatisticsCommand({ StartTime: new Date(start * 1000), EndTime: new Date(Date.now() + 60_000), EntitySelectorExpression: 'service("orders")', Period: 60 }))).TimeSeriesServiceStatistics ?? [];
    let api = { requests: 0, errors: 0, throttles: 0, faults: 0 };
    await waitUntil(async () => {
      const points = await series();
      const sum = (read: (p: (typeof points)[number]) => number | undefined) => points.reduce((n, p) => n + (read(p) ?? 0), 0);
      api = {
        requests: sum((p) => p.ServiceSummaryStatistics?.TotalCount),
        errors: sum((p) => p.ServiceSummaryStatistics?.ErrorStatistics?.OtherCount),
        throttles: sum((p) => p.ServiceSummaryStatistics?.ErrorStatistics?.ThrottleCount),
        faults: sum((p) => p.ServiceSummaryStatistics?.FaultStatistics?.TotalCount),
      };
      return api.requests === 10;
    }, 'the time series of orders');
    assert.deepEqual(api, { requests: 10, errors: 2, throttles: 1, faults: 2 });
    // Reached from the map's node, as a user would
    await page.goto(`${base}/#/map`);
    await page.locator('g.node[data-name="orders"]').click();
    await page.locator('.node-panel .health-link').click();
    await page.waitForURL(/#\/services\/orders/);
    const total = (key: string) => page.locator(`[data-total="${key}"] .big`).innerText();
    await waitForValue(() => total('requests'), String(api.requests), 'the requests total');
    assert.deepEqual([await total('errors'), await total('throttles'), await total('faults')], [String(api.errors), String(api.throttles), String(api.faults)]);
    assert.equal(await page.locator('.req-bar').first().getAttribute('role'), 'button');
    await shoot(page, 'console-service-health');
    // A bar opens that minute's traces of the service
    await page.locator('.req-bar[tabindex="0"]').last().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/traces\?q=service.*from=/);
    await rows().first().waitFor();
    assert.equal(await page.inputValue('input[name=filter]'), 'service("orders")');
    await page.goto(`${base}/#/services`);
    await page.locator('tr.service-line[data-service="orders"]').waitFor();
    await shoot(page, 'console-services');
  });

  it('a sampling rule created in the UI is returned by GetSamplingRules; edit and delete too', async () => {
    await page.goto(`${base}/#/sampling`);
    await page.locator('tr.rule-row[data-rule="Default"]').waitFor();
    await page.locator('button', { hasText: 'New rule' }).click();
    await page.fill('.rule-form input[name=RuleName]', 'slow-checkout');
    await page.fill('.rule-form input[name=Priority]', '');
    await page.locator('.rule-form button[type=submit]').click();
    // The API's own validation message
    assert.match(await page.locator('.sampling-view .error-note').innerText(), /Priority/);
    await page.fill('.rule-form input[name=Priority]', '10');
    await page.fill('.rule-form input[name=FixedRate]', '0.5');
    await page.fill('.rule-form input[name=URLPath]', '/api/checkout*');
    await page.locator('.rule-form button[type=submit]').click();
    await page.locator('tr.rule-row[data-rule="slow-checkout"]').waitFor();
    const rule = async () => (await client.send(new GetSamplingRulesCommand({}))).SamplingRuleRecords?.find((r) => r.SamplingRule?.RuleName === 'slow-checkout')?.SamplingRule;
    const created = await rule();
    assert.deepEqual([created?.Priority, created?.FixedRate, created?.URLPath, created?.ReservoirSize], [10, 0.5, '/api/checkout*', 1]);
    await shoot(page, 'console-sampling');
    await page.locator('button[aria-label="Edit slow-checkout"]').click();
    await page.fill('.rule-form input[name=FixedRate]', '0.25');
    await page.locator('.rule-form button[type=submit]').click();
    await waitForValue(async () => (await rule())?.FixedRate, 0.25, 'the updated rate');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('button[aria-label="Delete slow-checkout"]').click();
    await waitForCount(page.locator('tr.rule-row[data-rule="slow-checkout"]'), 0, 'deleted rule rows');
    assert.equal(await rule(), undefined);
  });

  it('saves the current filter as a group, which then scopes the list', async () => {
    await page.goto(`${base}/#/traces?q=${encodeURIComponent('service("orders")')}`);
    await waitForCount(rows(), 10, 'orders traces');
    await page.locator('button', { hasText: 'Save as group' }).click();
    await page.fill('input[name=group-name]', 'orders-only');
    await page.locator('.save-group button[type=submit]').click();
    await page.waitForURL(/group=orders-only/);
    const groups = await client.send(new GetGroupsCommand({}));
    assert.equal(groups.Groups?.find((g) => g.GroupName === 'orders-only')?.FilterExpression, 'service("orders")');
    assert.equal(await page.inputValue('select[name=group]'), 'orders-only');
    await waitForCount(rows(), 10, 'traces in the group');
    await page.selectOption('select[name=group]', '');
    await waitForCount(rows(), 17, 'all traces');
  });

  it('insights: the list shows state and impact; the detail shows the root cause on the map and the impacted traces', async () => {
    await client.send(new CreateGroupCommand({ GroupName: 'shop', FilterExpression: 'service("in-web")', InsightsConfiguration: { InsightsEnabled: true } }));
    await sendRequests(client, Array.from({ length: 12 }, () => ({ service: 'in-web', outcome: 'fault' as const, ms: 30, calls: 'in-db' })));
    await daemon.waitForLog((l) => l.msg === 'insight opened', 15_000);
    await page.goto(`${base}/#/insights`);
    const line = page.locator('tr.insight-line').first();
    await line.waitFor();
    assert.match(await line.innerText(), /Active[\s\S]*in-db[\s\S]*shop[\s\S]*faulted/);
    await shoot(page, 'console-insights');
    await line.locator('a').click();
    await page.waitForURL(/#\/insights\/.+/);
    assert.equal(await page.locator('[data-total="root-cause"] .big').innerText(), 'in-db');
    await page.locator('g.node[data-name="in-db"]').waitFor();
    // The root cause is selected on the map: its panel opens
    await page.locator('.node-panel h2', { hasText: 'in-db' }).waitFor();
    await shoot(page, 'console-insight');
    await page.locator('button', { hasText: 'Impacted traces' }).click();
    await page.waitForURL(/#\/traces\?q=/);
    await waitForCount(rows(), 12, 'impacted traces');
  });

  it('raised no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});

/** An OTLP/JSON export: a server span of "checkout" that faulted, and its client call. */
function otlpFile() {
  const at = BigInt(Math.floor(Date.now() / 1000) - 60) * 1_000_000_000n;
  const ns = (ms: number) => String(at + BigInt(ms) * 1_000_000n);
  const traceId = '6553f1000123456789abcdef01234567';
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            spans: [
              { traceId, spanId: '00000000000000a1', name: 'POST /checkout', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: ns(0), endTimeUnixNano: ns(250), status: { code: 'STATUS_CODE_ERROR' } },
              { traceId, spanId: '00000000000000a2', parentSpanId: '00000000000000a1', name: 'GET inventory', kind: 'SPAN_KIND_CLIENT', startTimeUnixNano: ns(10), endTimeUnixNano: ns(200) },
            ],
          },
        ],
      },
    ],
  };
}
