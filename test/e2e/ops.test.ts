import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeXray } from '../helpers/fake-xray.js';
import { signedHeaderNames, testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, HEADER, makeSegment, runCli } from '../helpers/daemon-process.js';
import { call } from '../proxy/http-call.js';

let xray: FakeXray;
let daemon: DaemonProcess;
let base = '';

before(async () => {
  xray = new FakeXray();
  await xray.listen();
  daemon = await DaemonProcess.start(['--endpoint', xray.url], testAwsEnv());
  base = `http://127.0.0.1:${daemon.tcpPort}`;
});

after(async () => {
  await daemon?.stop();
  await xray?.close();
});

function sample(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

test('the daemon refuses other X-Ray operations on its TCP port without calling X-Ray', async () => {
  const res = await call(base, 'POST', '/TraceSegments', { body: '{"TraceSegmentDocuments":["{}"]}' });
  assert.equal(res.status, 404);
  assert.deepEqual((JSON.parse(res.body) as { allowed: string[] }).allowed, ['POST /GetSamplingRules', 'POST /SamplingTargets']);
  assert.equal(xray.calls.length, 0);
});

test('the daemon forwards GetSamplingRules signed over its own headers and passes the answer back', async () => {
  const res = await call(base, 'POST', '/GetSamplingRules', { headers: { 'x-added-by-proxy': 'yes' }, body: '{}' });
  // the stand-in knows no sampling operations: its own 404 comes back unchanged
  assert.equal(res.status, 404);
  assert.equal(res.headers['x-amzn-errortype'], 'UnknownOperationException');
  const forwarded = xray.calls.filter((c) => c.path === '/GetSamplingRules');
  assert.equal(forwarded.length, 1);
  assert.equal(forwarded[0].signatureProblem, undefined);
  assert.ok(!signedHeaderNames(String(forwarded[0].headers.authorization)).includes('x-added-by-proxy'));
  assert.equal(forwarded[0].headers['x-added-by-proxy'], undefined);
});

test('/metrics and /healthz follow the relay', async () => {
  const udp = new UdpSender(daemon.udpPort);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = makeSegment({ name: 'ops-e2e' });
      ids.push(s.id);
      await udp.send(HEADER + s.text);
    }
    await xray.waitFor(() => ids.every((id) => xray.documents.some((d) => d.includes(id))), 10_000, 'three segments');
  } finally {
    udp.close();
  }
  const metrics = await call(base, 'GET', '/metrics');
  assert.equal(metrics.status, 200);
  assert.equal(sample(metrics.body, 'xrayd_segments_received_total'), 3);
  assert.equal(sample(metrics.body, 'xrayd_segments_sent_total'), 3);
  assert.ok((sample(metrics.body, 'xrayd_upload_duration_seconds_count{outcome="success"}') ?? 0) >= 1);
  assert.ok((sample(metrics.body, 'xrayd_buffer_limit_bytes') ?? 0) >= 3 * 1024 * 1024);
  assert.equal(sample(metrics.body, 'xrayd_credentials_resolved'), 1);
  const health = await daemon.getJson('/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.body.credentials.status, 'resolved');
});

test('an unusable HTTPS_PROXY stops the daemon at start, naming the variable and hiding the password', async () => {
  const r = await runCli(['--endpoint', xray.url], { ...testAwsEnv(), HTTPS_PROXY: 'ftp://me:hunter2@proxy.example:21' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /HTTPS_PROXY: expected a proxy URL/);
  assert.ok(!(r.stderr + r.stdout).includes('hunter2'));
});
