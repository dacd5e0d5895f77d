import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeXray } from '../helpers/fake-xray.js';
import { signedHeaderNames, testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, HEADER, makeSegment, runCli, waitUntil } from '../helpers/daemon-process.js';
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
  // the stand-in has the documents; the daemon counts them sent once the answer is back
  let metrics = await call(base, 'GET', '/metrics');
  await waitUntil(async () => {
    metrics = await call(base, 'GET', '/metrics');
    return sample(metrics.body, 'xrayd_segments_sent_total') === 3;
  }, 'the sent counter to reach 3');
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

test('without a configured region the daemon finds it in ECS task metadata, or in EC2 IMDS with the instance identity', async () => {
  const metadata = createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('tok');
    if (req.url === '/v4/task-1/task') return void res.end(JSON.stringify({ TaskARN: 'arn:aws:ecs:sa-east-1:123456789012:task/c/1' }));
    if (req.headers['x-aws-ec2-metadata-token'] !== 'tok') return void res.writeHead(401).end();
    if (req.url === '/latest/dynamic/instance-identity/document') return void res.end(JSON.stringify({ region: 'eu-west-3', instanceId: 'i-0e2e' }));
    if (req.url === '/latest/meta-data/hostname') return void res.end('ip-10-9-8-7.internal');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => metadata.listen(0, '127.0.0.1', r));
  const meta = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  const env = testAwsEnv();
  delete env.AWS_REGION;
  delete env.AWS_EC2_METADATA_DISABLED;
  try {
    const ecs = await DaemonProcess.start(['--endpoint', xray.url], { ...env, ECS_CONTAINER_METADATA_URI_V4: `${meta}/v4/task-1`, AWS_EC2_METADATA_SERVICE_ENDPOINT: meta });
    try {
      const started = await ecs.waitForLog((l) => l.msg === 'xrayd started');
      assert.equal(started.region, 'sa-east-1');
      assert.match(String(started.regionSource), /ECS task metadata/);
    } finally {
      await ecs.stop();
    }
    const ec2 = await DaemonProcess.start(['--endpoint', xray.url], { ...env, AWS_EC2_METADATA_SERVICE_ENDPOINT: meta });
    try {
      const started = await ec2.waitForLog((l) => l.msg === 'xrayd started');
      assert.equal(started.region, 'eu-west-3');
      const identity = await ec2.waitForLog((l) => l.msg === 'telemetry identity');
      assert.equal(identity.instanceId, 'i-0e2e');
      assert.equal(identity.hostname, 'ip-10-9-8-7.internal');
    } finally {
      await ec2.stop();
    }
  } finally {
    metadata.closeAllConnections();
    await new Promise<void>((r) => metadata.close(() => r()));
  }
});
