import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createLogger } from '../../src/log/logger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-logger-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function waitUntil(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const contains = (file: string, text: string) => existsSync(file) && readFileSync(file, 'utf8').includes(text);
/** Files this process holds open. */
const openFiles = () =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });

test('a failed log reopen (logrotate SIGHUP) leaves nothing behind: the next reopen closes the old file once, with no error', { skip: process.platform !== 'linux' && 'reads /proc/self/fd' }, async () => {
  const file = path.join(dir, 'xrayd.log');
  const rotated = `${file}.1`;
  const dest = pino.destination({ dest: file, sync: false });
  const errors: string[] = [];
  dest.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
  const { logger, reopen } = createLogger('info', undefined, dest);

  logger.info('first line');
  await waitUntil(() => contains(file, 'first line'), 'the first line');
  renameSync(file, rotated);
  mkdirSync(file); // the reopen cannot open a directory for appending
  reopen();
  await waitUntil(() => errors.length > 0, 'the reopen to fail');
  assert.ok(errors.every((e) => e === 'EISDIR'), errors.join());
  const failures = errors.length;
  logger.info('between');
  await waitUntil(() => contains(rotated, 'between'), 'logging going on to the old file');
  assert.ok(contains(rotated, 'could not reopen the log file'), 'the failure is logged');

  rmdirSync(file);
  reopen();
  logger.info('after rotation');
  await waitUntil(() => contains(file, 'after rotation'), 'logging to the new file');
  await waitUntil(() => !openFiles().includes(rotated), 'the old file closed');
  await stat(dir); // one more trip through the thread pool, after any queued close
  await new Promise((r) => setImmediate(r));
  assert.equal(errors.length, failures, `no second close of the old descriptor (EBADF, or worse, closing a reused one): ${errors.join()}`);
  logger.info('still logging');
  await waitUntil(() => contains(file, 'still logging'), 'logging goes on');
  dest.end();
});
