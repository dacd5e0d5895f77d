import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts', import.meta.url));
/** The flags every console test and the browser bench launch headless Chromium with. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Waits until the locator matches exactly `n` elements (the page's CSP rules out waitForFunction's eval). */
export async function waitForCount(locator: Locator, n: number, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  let count = await locator.count();
  while (count !== n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} ${what}, the page shows ${count}`);
    await new Promise((done) => setTimeout(done, 50));
    count = await locator.count();
  }
}

/** Waits until `read` returns `expected` (polled: the page updates after its own requests). */
export async function waitForValue<T>(read: () => Promise<T>, expected: T, what: string, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) throw new Error(`expected ${what} to be ${JSON.stringify(expected)}, it is ${JSON.stringify(value)}`);
    await new Promise((done) => setTimeout(done, 50));
    value = await read();
  }
}

/** A light and a dark screenshot of the page as it is: test-artifacts/<name>.png and <name>-dark.png. */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: `${ARTIFACTS}/${name}-dark.png` });
  await page.emulateMedia({ colorScheme: 'light' });
}
