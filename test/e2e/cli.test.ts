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

test("the Dockerfile's ENTRYPOINT starts the daemon on all interfaces and its health check passes", async () => {
  const { readFileSync } = await import('node:fs');
  const { DaemonProcess, REPO_ROOT } = await import('../helpers/daemon-process.js');
  const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]) as string[];
  const { LAUNCH_FLAGS } = await import('../helpers/daemon-process.js');
  assert.deepEqual(entrypoint.slice(0, 2 + LAUNCH_FLAGS.length), ['node', ...LAUNCH_FLAGS, '/app/bin/xrayd'], 'the same node flags as bin/xrayd');
  const args = entrypoint.slice(2 + LAUNCH_FLAGS.length);
  assert.deepEqual(args, ['-b', '0.0.0.0:2000', '-t', '0.0.0.0:2000', '--spool-dir', '/var/lib/xrayd'], 'binds both listeners on all interfaces, as the reference image; spools to the volume');
  assert.match(dockerfile, /^EXPOSE 2000\/udp 2000\/tcp$/m);
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /^VOLUME \/var\/lib\/xrayd$/m);
  assert.match(dockerfile, /chown node:node \/var\/lib\/xrayd/, 'the spool directory belongs to the user the daemon runs as');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const spool = mkdtempSync(path.join((await import('node:os')).tmpdir(), 'xrayd-docker-spool-'));
  // the same command, on free ports (it comes after the helper's own -b/-t, and the last flag wins), spooling to a temp dir
  const d = await DaemonProcess.start([...args.map((a) => a.replace(':2000', ':0').replace('/var/lib/xrayd', spool))], testAwsEnv());
  try {
    assert.ok(d.udpPort > 0 && d.tcpPort > 0);
    const health = /HEALTHCHECK[^\n]*\n\s*CMD \["node", "-e", "(.*)"\]/.exec(dockerfile)![1].replace(/\\"/g, '"').replace('127.0.0.1:2000', `127.0.0.1:${d.tcpPort}`);
    const r = await runCli(['--version']); // sanity: the launcher works without a build step
    assert.equal(r.code, 0);
    const { spawnSync } = await import('node:child_process');
    const check = spawnSync(process.execPath, ['-e', health], { timeout: 10_000 });
    assert.equal(check.status, 0, 'HEALTHCHECK command succeeds');
  } finally {
    await d.stop();
    rmSync(spool, { recursive: true, force: true });
  }
});

test('the systemd unit spools to its StateDirectory', async () => {
  const { readFileSync } = await import('node:fs');
  const { REPO_ROOT } = await import('../helpers/daemon-process.js');
  const unit = readFileSync(path.join(REPO_ROOT, 'deploy/xrayd.service'), 'utf8');
  assert.match(unit, /^StateDirectory=xrayd$/m);
  assert.match(unit, /^ExecStart=.* --spool-dir \/var\/lib\/xrayd$/m);
});
