/**
 * The relay end to end with each UDP receive path forced (`--udp-receiver native|dgram`): the built daemon as a
 * process, real SDK segments and malformed datagrams over UDP, the SigV4-verifying X-Ray stand-in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AWSXRay from 'aws-xray-sdk-core';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, HEADER, makeSegment, runCli, waitUntil } from '../helpers/daemon-process.js';

const KINDS = process.platform === 'linux' ? (['native', 'dgram'] as const) : (['dgram'] as const);

for (const kind of KINDS) {
  test(`--udp-receiver ${kind}: SDK segments arrive signed and whole, junk is rejected, /healthz names the path`, async () => {
    const xray = new FakeXray();
    await xray.listen();
    const daemon = await DaemonProcess.start(['--endpoint', xray.url, '--udp-receiver', kind], testAwsEnv());
    const udp = new UdpSender(daemon.udpPort);
    try {
      AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
      AWSXRay.setDaemonAddress(`127.0.0.1:${daemon.udpPort}`);
      const ids: string[] = [];
      for (let i = 0; i < 200; i++) {
        const segment = new AWSXRay.Segment(`paths-${kind}-${i % 4}`);
        segment.addAnnotation('n', i);
        segment.close();
        ids.push(segment.id);
      }
      const big = makeSegment({ name: 'big', metadata: { default: { pad: 'y'.repeat(60_000) } } });
      await udp.send(HEADER + big.text);
      const junk = ['no newline', '{"format":"json","version":2}\n{}', HEADER];
      for (const j of junk) await udp.send(j);
      await xray.waitFor(() => ids.every((id) => xray.documents.some((d) => d.includes(id))) && xray.documents.includes(big.text), 10_000, 'all segments');
      assert.equal(xray.documents.filter((d) => ids.some((id) => d.includes(id))).length, 200, 'each exactly once');
      assert.ok(xray.calls.every((c) => c.path !== '/TraceSegments' || c.signatureProblem === undefined), 'every upload carries a valid SigV4 signature');
      await waitUntil(async () => (await daemon.getJson('/healthz')).body.counters.rejected === junk.length, 'the junk counted as rejected');
      const { body } = await daemon.getJson('/healthz');
      assert.equal(body.udpReceiver, kind);
      assert.equal(body.counters.received, 200 + 1 + junk.length);
      assert.ok(daemon.logs.some((l) => l.msg === 'listening for segments on UDP' && l.receiver === kind));
    } finally {
      udp.close();
      await daemon.stop();
      await xray.close();
    }
  });
}

test('--udp-receiver with an unknown value fails naming the flag', async () => {
  const result = await runCli(['--udp-receiver', 'fast']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /--udp-receiver/);
  assert.match(result.stderr, /native/);
});

test('a UDP port already in use fails the start with the errno name, on the default path', async () => {
  const first = await DaemonProcess.start(['-o', '--backend', 'local', '-b', '127.0.0.1:0', '-t', '127.0.0.1:0']);
  try {
    const result = await runCli(['-o', '--backend', 'local', '-b', `127.0.0.1:${first.udpPort}`, '-t', '127.0.0.1:0', '--otlp-bind', '']);
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, new RegExp(`EADDRINUSE 127\\.0\\.0\\.1:${first.udpPort}`));
  } finally {
    await first.stop();
  }
});
