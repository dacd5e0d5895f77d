import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { consoleCall, get, isXrayForbidden, post } from './browser-requests.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-hosts-'));
const daemons: DaemonProcess[] = [];

after(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<DaemonProcess> {
  const d = await DaemonProcess.start(['--backend', 'local', ...args]);
  daemons.push(d);
  return d;
}

async function status(d: DaemonProcess, host: string): Promise<number> {
  return (await get(d.tcpPort, '/healthz', { host })).status;
}

test('--allowed-hosts adds exact names and, with a leading dot, a domain and its subdomains', async () => {
  const d = await start(['--allowed-hosts', 'xray.test, .corp.example']);
  assert.equal(await status(d, `xray.test:${d.tcpPort}`), 200);
  assert.equal(await status(d, 'corp.example'), 200);
  assert.equal(await status(d, `a.b.corp.example:${d.tcpPort}`), 200);
  assert.equal(await status(d, 'XRAY.TEST.'), 200, 'case and a trailing dot do not matter');
  for (const host of ['sub.xray.test', 'evilcorp.example', 'corp.example.attacker.example', 'attacker.example']) {
    const res = await get(d.tcpPort, '/healthz', { host });
    assert.ok(isXrayForbidden(res), `Host ${host}: ${res.status}`);
  }
  // a console served as http://xray.test:<port> calls the API as its own origin; an allowed name may also call from its own page
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ StartTime: now - 60, EndTime: now + 60 });
  assert.equal((await post(d.tcpPort, '/TraceSummaries', consoleCall(`xray.test:${d.tcpPort}`), body)).status, 200);
  assert.equal((await post(d.tcpPort, '/TraceSummaries', { ...consoleCall(`127.0.0.1:${d.tcpPort}`), origin: 'https://dash.corp.example', 'sec-fetch-site': 'cross-site' }, body)).status, 200);
});

test('Socket.AllowedHosts in the config file (a YAML list) does the same', async () => {
  const file = path.join(dir, 'cfg.yaml');
  writeFileSync(file, 'Version: 2\nSocket:\n  AllowedHosts: [xray.test]\n');
  const d = await start(['-c', file]);
  assert.equal(await status(d, 'xray.test'), 200);
  assert.ok(isXrayForbidden(await get(d.tcpPort, '/healthz', { host: 'other.test' })));
});

test('"*" turns the Host check off but does not let any Origin in', async () => {
  const d = await start(['--allowed-hosts', '*']);
  assert.equal(await status(d, 'anything.example'), 200);
  const res = await post(d.tcpPort, '/TraceSummaries', { ...consoleCall(`127.0.0.1:${d.tcpPort}`), origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' }, '{}');
  assert.ok(isXrayForbidden(res));
});

test('a bad --allowed-hosts value stops the daemon with a message naming the flag', async () => {
  const d = new DaemonProcess(['--backend', 'local', '--allowed-hosts', 'ok.test,bad name']);
  const exit = await d.waitForExit();
  assert.equal(exit.code, 1);
  assert.match(d.stderr.join('\n'), /--allowed-hosts: .*"bad name"/);
});

test('the local backend on a non-loopback address warns at startup, and still checks Host (docker run -p 2000:2000)', async () => {
  const d = await start(['-t', '0.0.0.0:0']);
  const warning = await d.waitForLog((l) => /beyond loopback/.test(l.msg));
  assert.equal(warning.level, 40, 'a warn line');
  assert.match(warning.msg, /anyone who can reach this address can read every stored trace/);
  // a browser on the host reaching the published port as localhost:2000
  assert.equal(await status(d, `localhost:${d.tcpPort}`), 200);
  assert.ok(isXrayForbidden(await get(d.tcpPort, '/healthz', { host: `attacker.example:${d.tcpPort}` })));
  const quiet = await start([]);
  assert.equal(quiet.logs.filter((l) => /beyond loopback/.test(l.msg)).length, 0, 'no warning on 127.0.0.1');
});
