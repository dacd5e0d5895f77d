import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/daemon-process.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';

const isolated = () => {
  const env = testAwsEnv();
  delete env.AWS_REGION;
  return env;
};

test('-v prints the version', async () => {
  const r = await runCli(['-v']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('an unknown flag prints usage on stderr and exits 2', async () => {
  const r = await runCli(['--no-such-flag']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--no-such-flag'/);
  assert.match(r.stderr, /Usage: xrayd/);
});

test('an invalid config file exits 1 naming the key and the value', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-cli-'));
  const file = path.join(dir, 'cfg.yaml');
  writeFileSync(file, 'Version: 2\nConcurrency: 0\nSocketz: {}\n');
  const r = await runCli(['-c', file], isolated());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Concurrency: expected a whole number from 1 to 256, got 0/);
  assert.match(r.stderr, /Socketz: unknown key/);
});

test('no region anywhere exits 1 saying what was tried and how to set it', async () => {
  const r = await runCli(['-o', '-b', '127.0.0.1:0', '-t', '127.0.0.1:0'], isolated());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot determine the AWS region \(tried: .*AWS_REGION/);
  assert.match(r.stderr, /-n\/--region/);
});
