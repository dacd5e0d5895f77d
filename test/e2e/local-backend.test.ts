import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchGetTracesCommand, GetSamplingRulesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { DaemonProcess, UdpSender, HEADER, makeSegment, waitUntil } from '../helpers/daemon-process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-local-e2e-'));
const storePath = path.join(dir, 'traces.log');
let daemon: DaemonProcess | undefined;

function clientFor(d: DaemonProcess): XRayClient {
  return new XRayClient({
    endpoint: `http://127.0.0.1:${d.tcpPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy' },
    maxAttempts: 1,
  });
}

async function summaryIds(client: XRayClient): Promise<string[]> {
  const now = Date.now();
  const out = await client.send(new GetTraceSummariesCommand({ StartTime: new Date(now - 3600_000), EndTime: new Date(now + 60_000) }));
  return (out.TraceSummaries ?? []).map((s) => s.Id ?? '');
}

after(async () => {
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('--backend local: UDP segments are stored, served by the X-Ray API, and survive a restart', async () => {
  // No AWS region or credentials in the environment: local mode must not need them.
  daemon = await DaemonProcess.start(['--backend', 'local', '--store-path', storePath]);
  const udp = new UdpSender(daemon.udpPort);
  const client = clientFor(daemon);
  try {
    const docs = [makeSegment({ name: 'front' }), makeSegment({ name: 'back' })];
    for (const d of docs) await udp.send(HEADER + d.text);
    await udp.send(HEADER + '{"name": "broken"');
    await udp.send(HEADER + JSON.stringify({ name: 'no-ids', start_time: 1, end_time: 2 }));
    const traceIds = docs.map((d) => (JSON.parse(d.text) as { trace_id: string }).trace_id);

    await waitUntil(async () => (await summaryIds(client)).length === 2, 'traces in the local API');
    assert.deepEqual((await summaryIds(client)).sort(), [...traceIds].sort());
    const got = await client.send(new BatchGetTracesCommand({ TraceIds: traceIds }));
    assert.deepEqual(got.Traces?.map((t) => JSON.parse(t.Segments?.[0].Document ?? '{}').name).sort(), ['back', 'front']);
    const rules = await client.send(new GetSamplingRulesCommand({}));
    assert.equal(rules.SamplingRuleRecords?.[0].SamplingRule?.RuleName, 'Default');

    await waitUntil(async () => (await daemon!.getJson('/healthz')).body.counters.rejected === 2, 'the two bad documents counted as rejected');
    const health = await daemon.getJson('/healthz');
    assert.equal(health.body.counters.sent, 2);
    assert.equal(health.body.store.segments, 2);
  } finally {
    udp.close();
    client.destroy();
  }

  await daemon.stop();
  daemon = await DaemonProcess.start(['--backend', 'local', '--store-path', storePath]);
  const again = clientFor(daemon);
  try {
    assert.equal((await summaryIds(again)).length, 2);
  } finally {
    again.destroy();
  }
});
