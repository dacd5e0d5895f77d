import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { builtConsoleDir, builtConsoleFiles, directoryConsoleFiles } from '../../src/console/console-files.js';

describe('directoryConsoleFiles', () => {
  let base: string;
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'xrayd-console-files-'));
    await mkdir(join(base, 'console', 'assets'), { recursive: true });
    await writeFile(join(base, 'console', 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(base, 'console', 'assets', 'app-12345678.js'), 'console.log(1)');
    await writeFile(join(base, 'secret.txt'), 'outside the console');
  });
  after(() => rm(base, { recursive: true, force: true }));

  it('gives a file with its size, date and content', async () => {
    const files = directoryConsoleFiles(join(base, 'console'));
    assert.equal(files.available, true);
    const file = await files.get('assets/app-12345678.js');
    assert.ok(file);
    assert.equal(file.size, 14);
    assert.ok(file.mtime.getTime() > Date.now() - 60_000);
    assert.equal(await text(file.open()), 'console.log(1)');
  });

  it('has nothing outside its directory, and no directories or missing files', async () => {
    const files = directoryConsoleFiles(join(base, 'console'));
    assert.equal(await files.get('../secret.txt'), undefined);
    assert.equal(await files.get('assets'), undefined);
    assert.equal(await files.get('missing.js'), undefined);
  });

  it('is unavailable when the console was not built', () => {
    assert.equal(directoryConsoleFiles(join(base, 'nowhere')).available, false);
  });
});

describe('builtConsoleFiles', () => {
  it('outside a single executable, serves the console that `npm run build` produced', async () => {
    const files = builtConsoleFiles();
    assert.equal(files.source, builtConsoleDir().replace(/\/$/, ''));
    const index = await files.get('index.html');
    assert.ok(index);
    assert.match(await text(index.open()), /<div id="app">/);
  });
});
