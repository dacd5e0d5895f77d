import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importFresh, retryingLoader } from '../src/retrying-loader.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-loader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a failed load is forgotten and tried again by the next call; a success is kept', async () => {
  const attempts: number[] = [];
  const load = retryingLoader(async (attempt) => {
    attempts.push(attempt);
    if (attempts.length === 1) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
    return { loaded: attempts.length };
  });
  await assert.rejects(load(), /EMFILE/);
  assert.deepEqual(await load(), { loaded: 2 });
  assert.equal(await load(), await load(), 'the same value once loaded');
  assert.deepEqual(attempts, [0, 1]);
});

test('a loader that throws at once gives a rejected promise, never a throw, and is tried again', async () => {
  let calls = 0;
  const load = retryingLoader(async (attempt) => {
    calls++;
    if (attempt === 0) throw new TypeError('Invalid URL');
    return 'loaded';
  });
  const sync = retryingLoader<string>((attempt) => {
    if (attempt === 0) throw new TypeError('Invalid URL'); // thrown before any promise exists
    return Promise.resolve('loaded');
  });
  await assert.rejects(sync(), /Invalid URL/);
  assert.equal(await sync(), 'loaded');
  await assert.rejects(load(), /Invalid URL/);
  assert.equal(await load(), 'loaded');
  assert.equal(calls, 2);
});

test('calls while a load is running share it', async () => {
  let calls = 0;
  const load = retryingLoader(async () => ++calls);
  const [a, b] = await Promise.all([load(), load()]);
  assert.equal(a, 1);
  assert.equal(b, 1);
});

test('after a failed import, importFresh asks again under a new URL and gets the module as it now is', async () => {
  // Node 20 and 22 keep a failed import failed for the same URL (Node 26 reads it again): importFresh does not
  // depend on which.
  const file = path.join(dir, 'late.mjs');
  writeFileSync(file, 'export const value = ;'); // unreadable the first time
  const url = pathToFileURL(file);
  await assert.rejects(importFresh(url, 0));
  writeFileSync(file, 'export const value = 42;');
  const fresh = await importFresh<{ value: number }>(url, 1);
  assert.equal(fresh.value, 42);
});
