import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, HEADER, makeSegment } from '../helpers/daemon-process.js';

test('a proxy password (with an unencoded @) appears in no log line, even when uploads through the proxy fail', async () => {
  const xray = new FakeXray();
  await xray.listen();
  // nothing listens on port 9: every upload through this proxy fails and is logged
  let d: DaemonProcess | undefined;
  let udp: UdpSender | undefined;
  try {
    d = await DaemonProcess.start(['--endpoint', xray.url, '-p', 'http://me:hunter2@corp@127.0.0.1:9'], testAwsEnv());
    udp = new UdpSender(d.udpPort);
    await udp.send(HEADER + makeSegment().text);
    await d.waitForLog((l) => l.msg === 'upload failed, will retry', 15_000);
    const started = d.logs.find((l) => l.msg === 'xrayd started')!;
    assert.match(JSON.stringify(started.proxy), /\[redacted\]@127\.0\.0\.1:9/);
  } finally {
    udp?.close();
    await d?.stop();
    await xray.close();
  }
  const output = JSON.stringify(d.logs) + d.stderr.join('\n');
  for (const fragment of ['hunter2', 'corp']) assert.ok(!output.includes(fragment), `"${fragment}" leaked`);
});
