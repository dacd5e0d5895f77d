// Screenshots of the console for design review: `node console/dev/screenshots.mjs http://127.0.0.1:2999 /tmp/shots`
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:2999';
const out = process.argv[3] ?? 'test-artifacts/dev';
const [width, height] = (process.argv[4] ?? '1440x900').split('x').map(Number);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
    page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
    page.on('pageerror', (e) => console.log('page error:', e.message));
    await page.goto(`${base}/`);
    await page.locator('tr.trace-row').first().waitFor();
    await page.screenshot({ path: `${out}/traces-${scheme}.png` });
    await page.fill('input[name=filter]', 'fault AND nonsense');
    await page.press('input[name=filter]', 'Enter');
    await page.locator('.error-note').waitFor();
    await page.screenshot({ path: `${out}/filter-error-${scheme}.png` });
    await page.fill('input[name=filter]', 'fault');
    await page.press('input[name=filter]', 'Enter');
    await page.locator('.error-note').waitFor({ state: 'detached' });
    await page.locator('tr.trace-row').first().click();
    await page.locator('.wf-row').first().waitFor();
    await page.screenshot({ path: `${out}/trace-${scheme}.png` });
    await page.goto(`${base}/#/map`);
    await page.locator('g.node').first().waitFor();
    await page.locator('g.node[data-name="orders-api"]').click();
    await page.screenshot({ path: `${out}/map-${scheme}.png` });
    await page.locator('g.edge .edge-label').first().click();
    await page.screenshot({ path: `${out}/map-edge-${scheme}.png` });
    await page.close();
  }
} finally {
  await browser.close();
}
