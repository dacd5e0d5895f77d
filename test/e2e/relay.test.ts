import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AWSXRay from 'aws-xray-sdk-core';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, HEADER, makeSegment, REPO_ROOT, waitUntil } from '../helpers/daemon-process.js';

const CORPUS = path.resolve(REPO_ROOT, 'test/fixtures/corpus/segments');
let xray: FakeXray;
let daemon: DaemonProcess;
let udp: UdpSender;

before(async () => {
  xray = new FakeXray();
  await xray.listen();
  daemon = await DaemonProcess.start(['--endpoint', xray.url], testAwsEnv());
  udp = new UdpSender(daemon.udpPort);
});

after(async () => {
  udp?.close();
  await daemon?.stop();
  await xray?.close();
});

test('segments from the real X-Ray SDK arrive once each, signed, in batches of at most 50', async () => {
  AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
  AWSXRay.setDaemonAddress(`127.0.0.1:${daemon.udpPort}`);
  const ids: string[] = [];
  for (let i = 0; i < 120; i++) {
    const segment = new AWSXRay.Segment(`sdk-service-${i % 3}`);
    segment.addAnnotation('n', i);
    segment.addNewSubsegment('work').close();
    segment.close();
    ids.push(segment.id);
  }
  await xray.waitFor(() => ids.every((id) => xray.documents.some((d) => d.includes(id))), 10_000, 'SDK segments');
  const arrived = xray.documents.map((d) => JSON.parse(d) as { id: string; name: string }).filter((d) => ids.includes(d.id));
  assert.equal(arrived.length, 120, 'each exactly once');
  assert.ok(xray.batchSizes.every((n) => n >= 1 && n <= 50), `batch sizes ${xray.batchSizes}`);
  const calls = xray.calls.filter((c) => c.path === '/TraceSegments');
  assert.ok(calls.length > 0);
  for (const call of calls) {
    assert.equal(call.signatureProblem, undefined, 'every request carries a valid SigV4 signature');
    assert.match(String(call.headers['user-agent']), /^xrayd\/\d+\.\d+\.\d+ /);
    assert.ok(Number(call.headers['x-amzn-xray-timestamp']) > 1.6e9, 'X-Amzn-Xray-Timestamp is epoch seconds');
  }
});

test('corpus documents arrive byte-identical (the relay never rewrites a body)', async () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 10);
  const texts = files.map((f) => readFileSync(path.join(CORPUS, f), 'utf8'));
  for (const t of texts) await udp.send(HEADER + t);
  await xray.waitFor(() => texts.every((t) => xray.documents.includes(t)), 10_000, 'corpus documents');
  for (const t of texts) assert.equal(xray.documents.filter((d) => d === t).length, 1);
});

test('malformed datagrams are counted as rejected and never uploaded', async () => {
  const before = (await daemon.getJson('/healthz')).body.counters;
  const marker = makeSegment({ name: 'after-the-junk' });
  const junk = ['no newline at all', '{"format":"json","version":2}\n{"name":"v2"}', '{"format":"json","version":1}\n', '\u0000\u0001binary\n\u00ff', '{"format":"json","version":"1"}\n{"name":"string-version"}'];
  for (const j of junk) await udp.send(j);
  await udp.send(HEADER + marker.text);
  await xray.waitFor(() => xray.documents.includes(marker.text), 10_000, 'the marker segment');
  const counters = (await daemon.getJson('/healthz')).body.counters;
  assert.equal(counters.rejected - before.rejected, junk.length);
  assert.equal(counters.received - before.received, junk.length + 1);
  assert.ok(!xray.documents.some((d) => d.includes('string-version') || d.includes('"v2"')));
});

test('/healthz answers 200 with uptime and counters', async () => {
  // `sent` counts a batch once the daemon has read X-Ray's answer, which can come just after the stand-in
  // recorded the documents the tests above waited for
  await waitUntil(async () => (await daemon.getJson('/healthz')).body.counters.sent >= 120, 'sent counts the 120 SDK segments');
  const { status, body } = await daemon.getJson('/healthz');
  assert.equal(status, 200);
  assert.equal(body.ok, true);
  assert.equal(typeof body.uptimeSeconds, 'number');
  assert.ok(body.counters.sent >= 120);
  assert.equal(body.buffer.limitBytes > 3 * 1024 * 1024 - 1, true);
});

test('300 segments sent right before SIGTERM all arrive before exit 0', async () => {
  const sent = Array.from({ length: 300 }, () => makeSegment({ name: 'last-words' }));
  // "right before": SIGTERM follows as soon as the daemon has read all 300 from its socket
  const received = async () => (await daemon.getJson('/healthz')).body.counters.received as number;
  const before = await received();
  for (const s of sent) await udp.send(HEADER + s.text);
  await waitUntil(async () => (await received()) >= before + 300, 'the daemon to read 300 datagrams');
  daemon.signal('SIGTERM');
  const exit = await daemon.waitForExit(15_000);
  assert.equal(exit.code, 0);
  const arrived = new Set(xray.documents);
  const missing = sent.filter((s) => !arrived.has(s.text));
  assert.equal(missing.length, 0, `${missing.length} of 300 lost at shutdown`);
  const final = daemon.logs.find((l) => l.msg === 'xrayd stopped');
  assert.ok(final, 'the daemon logs its final counters');
});
