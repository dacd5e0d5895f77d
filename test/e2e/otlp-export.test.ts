import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AWSXRay from 'aws-xray-sdk-core';
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, HEADER, makeSegment, waitUntil } from '../helpers/daemon-process.js';
import { OtlpReceiver, attributes, hexId } from '../helpers/otlp-receiver.js';
import { encodeTraceRequest, fromBigInt, SpanKind, StatusCode } from '../../src/otlp/proto/otlp-trace-codec.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-otlp-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

/** One value of a Prometheus text exposition (0 when absent). */
async function metric(daemon: DaemonProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${daemon.tcpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** The X-Ray stand-in, and an OTLP receiver whose port refuses connections until it listens again. */
async function xrayAndReceiverDown(): Promise<{ xray: FakeXray; receiver: OtlpReceiver; port: number }> {
  const xray = new FakeXray();
  await xray.listen();
  const receiver = new OtlpReceiver();
  await receiver.listen();
  const port = receiver.port;
  await receiver.close();
  return { xray, receiver, port };
}

async function exportCounters(daemon: DaemonProcess): Promise<Record<string, number>> {
  return (await daemon.getJson('/healthz')).body.otlpExport.counters;
}

test('local backend + OTLP: spans from the X-Ray SDK reach an OTLP receiver with flags, exceptions, annotations and metadata intact; gzip and custom headers', async (t) => {
  const receiver = new OtlpReceiver();
  await receiver.listen();
  const cfg = configFile('local.yaml', 'OTLP:\n  Headers:\n    Authorization: "Bearer t0k3n"\n    X-Scope-OrgID: team-a\n  Compression: gzip\n');
  const daemon = await DaemonProcess.start(['--backend', 'local', '-c', cfg, '--otlp-endpoint', `${receiver.url}/tenant-a/`]);
  const udp = new UdpSender(daemon.udpPort);
  t.after(async () => {
    udp.close();
    await daemon.stop();
    await receiver.close();
  });

  AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
  AWSXRay.setDaemonAddress(`127.0.0.1:${daemon.udpPort}`);
  const segment = new AWSXRay.Segment('checkout');
  segment.addAnnotation('customer', 'c-42');
  segment.addAnnotation('items', 3);
  segment.addMetadata('cart', { sku: ['a', 'b'] });
  const call = segment.addNewSubsegment('DynamoDB');
  call.namespace = 'aws';
  call.addAttribute('aws', { operation: 'PutItem', table_name: 'orders', region: 'eu-west-1' });
  call.addThrottleFlag();
  call.close(new Error('ProvisionedThroughputExceeded'));
  segment.addError(new Error('payment declined'));
  segment.close();

  const inProgress = makeSegment({ name: 'long-running', in_progress: true, end_time: undefined });
  await udp.send(HEADER + inProgress.text);

  await receiver.waitFor(() => !!receiver.span('checkout') && !!receiver.span('DynamoDB'), 10_000, 'the SDK spans');
  const exportCall = receiver.calls.find((c) => c.request)!;
  assert.equal(exportCall.method, 'POST');
  assert.equal(exportCall.path, '/tenant-a/v1/traces', 'a base endpoint gets v1/traces appended');
  assert.equal(exportCall.headers['content-type'], 'application/x-protobuf');
  assert.equal(exportCall.headers['content-encoding'], 'gzip');
  assert.equal(exportCall.headers.authorization, 'Bearer t0k3n');
  assert.equal(exportCall.headers['x-scope-orgid'], 'team-a');

  const root = receiver.span('checkout')!;
  assert.equal(hexId(root.traceId), segment.trace_id.replace(/^1-/, '').replace('-', ''));
  assert.equal(hexId(root.spanId), segment.id);
  assert.equal(root.kind, SpanKind.SERVER);
  assert.equal(root.status?.code, StatusCode.ERROR);
  const a = attributes(root.attributes);
  assert.equal(a['aws.xray.fault'], true);
  assert.equal(a.customer, 'c-42');
  assert.equal(a.items, 3);
  assert.deepEqual(a['aws.xray.annotations'], ['customer', 'items']);
  assert.deepEqual(JSON.parse(String(a['aws.xray.metadata.default'])), { cart: { sku: ['a', 'b'] } });
  const exception = root.events!.find((e) => e.name === 'exception')!;
  assert.equal(attributes(exception.attributes)['exception.message'], 'payment declined');
  assert.match(String(attributes(exception.attributes)['exception.stacktrace']), /payment declined\n\tat /);
  assert.equal(receiver.resourceOf('checkout')!['service.name'], 'checkout');
  assert.equal(receiver.resourceOf('checkout')!['telemetry.sdk.language'], 'nodejs');

  const child = receiver.span('DynamoDB')!;
  assert.equal(hexId(child.parentSpanId), segment.id);
  assert.equal(child.kind, SpanKind.CLIENT);
  const ca = attributes(child.attributes);
  assert.equal(ca['aws.xray.throttle'], true);
  assert.equal(ca['aws.operation'], 'PutItem');
  assert.equal(ca['aws.table_name'], 'orders');
  assert.equal(attributes(child.events![0].attributes)['exception.message'], 'ProvisionedThroughputExceeded');

  // the local store got the same segments (the export is a second, independent pipeline)
  await waitUntil(async () => (await daemon.getJson('/healthz')).body.counters.sent >= 2, 'local store delivery');
  await waitUntil(async () => (await exportCounters(daemon)).inProgressSkipped === 1, 'the in-progress document counted');
  assert.equal(receiver.spans.some((s) => s.name === 'long-running'), false, 'in-progress documents are not exported');
  const health = (await daemon.getJson('/healthz')).body;
  assert.equal(health.status, 'ok');
  assert.equal(health.otlpExport.counters.sent, 1);
  assert.equal(health.otlpExport.counters.spansSent, 2);
  assert.equal(await metric(daemon, 'xrayd_otlp_export_spans_sent_total'), 2);
  assert.equal(await metric(daemon, 'xrayd_otlp_export_in_progress_skipped_total'), 1);
});

test('local backend + OTLP: segments written through the X-Ray API (PutTraceSegments) are exported too; refused documents are not', async (t) => {
  const receiver = new OtlpReceiver();
  await receiver.listen();
  const daemon = await DaemonProcess.start(['--backend', 'local', '--otlp-endpoint', receiver.url]);
  t.after(async () => {
    await daemon.stop();
    await receiver.close();
  });
  const client = new XRayClient({ endpoint: `http://127.0.0.1:${daemon.tcpPort}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy' }, maxAttempts: 1 });
  t.after(() => client.destroy());

  const api = makeSegment({ name: 'via-api', fault: true, annotations: { tenant: 't-7' }, http: { response: { status: 503 } } });
  const inProgress = makeSegment({ name: 'via-api-open', in_progress: true, end_time: undefined });
  const out = await client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [api.text, inProgress.text, '{"name":"no-ids"}'] }));
  assert.equal(out.UnprocessedTraceSegments?.length, 1, 'the document without ids is refused by the API');

  await receiver.waitFor(() => !!receiver.span('via-api'), 10_000, 'the span of the API-written segment');
  const span = receiver.span('via-api')!;
  assert.equal(hexId(span.spanId), api.id);
  assert.equal(span.status?.code, StatusCode.ERROR);
  const a = attributes(span.attributes);
  assert.equal(a['aws.xray.fault'], true);
  assert.equal(a['http.response.status_code'], 503);
  assert.equal(a.tenant, 't-7');
  assert.deepEqual(a['aws.xray.annotations'], ['tenant']);
  await waitUntil(async () => (await exportCounters(daemon)).inProgressSkipped === 1, 'the in-progress document counted');
  const c = await exportCounters(daemon);
  assert.equal(c.received, 2, 'only stored documents reach the exporter');
  assert.equal(receiver.spans.some((s) => s.name !== 'via-api'), false);
});

test('two xrayd: segments exported by one over OTLP arrive in the other\'s store with flags, origin, namespaces, precursors, annotations and metadata', async (t) => {
  const downstream = await DaemonProcess.start(['--backend', 'local']);
  const upstream = await DaemonProcess.start(['--backend', 'local', '--otlp-endpoint', `http://127.0.0.1:${downstream.otlpPort}`]);
  const udp = new UdpSender(upstream.udpPort);
  t.after(async () => {
    udp.close();
    await upstream.stop();
    await downstream.stop();
  });
  const now = Date.now() / 1000;
  const seg = makeSegment({
    name: 'orders',
    origin: 'AWS::EC2::Instance',
    error: true,
    http: { request: { method: 'GET', url: 'http://orders/list' }, response: { status: 200 } },
    annotations: { tenant: 't-9' },
    metadata: { debug: { step: 4 } },
    subsegments: [
      { id: 'aaaaaaaaaaaa0001', name: 'warm-cache', namespace: 'local', start_time: now - 0.009, end_time: now - 0.005 },
      { id: 'aaaaaaaaaaaa0002', name: 'DynamoDB', namespace: 'aws', start_time: now - 0.005, end_time: now - 0.001, throttle: true, error: true, precursor_ids: ['aaaaaaaaaaaa0001'] },
    ],
  });
  await udp.send(HEADER + seg.text);
  const traceId = (JSON.parse(seg.text) as { trace_id: string }).trace_id;
  let docs: Record<string, any>[] = [];
  await waitUntil(async () => {
    const res = await fetch(`http://127.0.0.1:${downstream.tcpPort}/Traces`, { method: 'POST', body: JSON.stringify({ TraceIds: [traceId] }) });
    const out = (await res.json()) as { Traces: { Segments: { Document: string }[] }[] };
    // BatchGetTraces adds an inferred segment for the DynamoDB call: only the stored documents count
    docs = (out.Traces[0]?.Segments ?? []).map((s) => JSON.parse(s.Document) as Record<string, any>).filter((d) => !d.inferred);
    return docs.length === 3;
  }, 'the three spans in the downstream store');
  const byId = new Map(docs.map((d) => [d.id, d]));
  const root = byId.get(seg.id)!;
  assert.deepEqual([root.name, root.origin, root.error, root.fault, root.throttle], ['orders', 'AWS::EC2::Instance', true, false, false]);
  assert.equal(root.annotations.tenant, 't-9');
  assert.deepEqual(root.metadata.debug, { step: 4 });
  assert.equal(root.annotations['aws.xray.error'], undefined, 'carried fields are not annotations');
  const cache = byId.get('aaaaaaaaaaaa0001')!;
  assert.deepEqual([cache.type, cache.parent_id, cache.namespace], ['subsegment', seg.id, 'local']);
  const dynamo = byId.get('aaaaaaaaaaaa0002')!;
  assert.deepEqual([dynamo.name, dynamo.namespace, dynamo.throttle, dynamo.error, dynamo.fault], ['DynamoDB', 'aws', true, true, false]);
  assert.deepEqual(dynamo.precursor_ids, ['aaaaaaaaaaaa0001']);
});

test('aws backend + OTLP: 500, 429 with Retry-After and a reset are retried and counted; a 400 drops the batch and shows in /healthz; ADOT T1S spans are exported; X-Ray gets everything', async (t) => {
  const xray = new FakeXray();
  await xray.listen();
  const receiver = new OtlpReceiver();
  await receiver.listen();
  const cfg = configFile('aws.yaml', 'RetryBaseDelayMs: 20\nRetryMaxDelayMs: 200\nFlushIntervalMs: 50\nOTLP:\n  Compression: none\n');
  const daemon = await DaemonProcess.start(['--endpoint', xray.url, '-c', cfg, '--otlp-endpoint', `${receiver.url}/v1/traces`], testAwsEnv());
  const udp = new UdpSender(daemon.udpPort);
  t.after(async () => {
    udp.close();
    await daemon.stop();
    await receiver.close();
    await xray.close();
  });

  receiver.script = [{ kind: 'answer', status: 500 }, { kind: 'answer', status: 429, headers: { 'retry-after': '1' } }, { kind: 'reset' }];
  const first = makeSegment({ name: 'retried', fault: true });
  await udp.send(HEADER + first.text);
  await receiver.waitFor(() => !!receiver.span('retried'), 15_000, 'the retried span');
  assert.equal(receiver.calls.length, 4);
  assert.equal(receiver.calls[0].path, '/v1/traces', 'a URL ending in /v1/traces is used as is');
  assert.equal(receiver.calls[3].headers['content-encoding'], undefined, 'Compression: none');
  assert.ok(receiver.calls[2].at - receiver.calls[1].at >= 900, `Retry-After: 1 honoured (waited ${receiver.calls[2].at - receiver.calls[1].at} ms)`);
  assert.equal(attributes(receiver.span('retried')!.attributes)['aws.xray.fault'], true);
  assert.equal(await metric(daemon, 'xrayd_otlp_export_errors_total', '{class="http5xx"}'), 1);
  assert.equal(await metric(daemon, 'xrayd_otlp_export_errors_total', '{class="http4xx"}'), 1);
  assert.equal(await metric(daemon, 'xrayd_otlp_export_errors_total', '{class="other"}'), 1);
  assert.equal(await metric(daemon, 'xrayd_otlp_export_segments_sent_total'), 1);

  receiver.script = [{ kind: 'answer', status: 400, headers: { 'content-type': 'application/json' }, body: '{"code":3,"message":"bad span"}' }];
  const refused = makeSegment({ name: 'refused' });
  await udp.send(HEADER + refused.text);
  await waitUntil(async () => (await exportCounters(daemon)).rejected === 1, 'the 400 counted as rejected');
  let health = (await daemon.getJson('/healthz')).body;
  assert.equal(health.status, 'degraded');
  assert.equal(health.problems[0].component, 'otlp-export');
  assert.match(health.problems[0].reason, /HTTP 400.*bad span/);
  assert.equal(receiver.calls.length, 5, 'a 400 is not retried');

  const last = makeSegment({ name: 'after-400' });
  await udp.send(HEADER + last.text);
  await receiver.waitFor(() => !!receiver.span('after-400'), 10_000, 'the next span');
  health = (await daemon.getJson('/healthz')).body;
  assert.equal(health.status, 'ok', 'health recovers with the next accepted export');
  assert.equal(health.problems.length, 0);

  // an ADOT OTLP UDP datagram: relayed to X-Ray unchanged, exported as the spans it carries
  const adot = `T1S${Buffer.from(
    encodeTraceRequest({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 7), spanId: Buffer.alloc(8, 9), name: 'adot-span', kind: SpanKind.SERVER, startTimeUnixNano: fromBigInt(1_764_000_000_000_000_000n), endTimeUnixNano: fromBigInt(1_764_000_000_100_000_000n) }] }] }],
    }),
  ).toString('base64')}`;
  await udp.send(HEADER + adot);
  await receiver.waitFor(() => !!receiver.span('adot-span'), 10_000, 'the ADOT span');
  assert.equal(hexId(receiver.span('adot-span')!.traceId), '07'.repeat(16));

  // X-Ray got every document, signed, whatever the OTLP receiver did
  await xray.waitFor(() => [first, refused, last].every((s) => xray.documents.includes(s.text)) && xray.documents.includes(adot), 10_000, 'X-Ray delivery');
  assert.ok(xray.calls.every((c) => c.signatureProblem === undefined));
  assert.equal(health.counters.spillover, 0);
});

test('receiver down longer than the export buffer holds: oldest export documents spill (counted), X-Ray delivery is unaffected, the rest is delivered once the receiver is back', async (t) => {
  const { xray, receiver, port } = await xrayAndReceiverDown();
  const cfg = configFile('spill.yaml', 'RetryBaseDelayMs: 20\nRetryMaxDelayMs: 300\nFlushIntervalMs: 50\n');
  const daemon = await DaemonProcess.start(['--endpoint', xray.url, '-c', cfg, '-m', '3', '--otlp-endpoint', `http://127.0.0.1:${port}`], testAwsEnv());
  const udp = new UdpSender(daemon.udpPort);
  t.after(async () => {
    udp.close();
    await daemon.stop();
    await receiver.close().catch(() => undefined);
    await xray.close();
  });

  const filler = 'x'.repeat(45_000);
  const sent: { id: string; text: string }[] = [];
  for (let i = 0; i < 80; i++) {
    const s = makeSegment({ name: `bulk-${i}`, metadata: { default: { filler } } });
    sent.push(s);
    await udp.send(HEADER + s.text);
    // one document at a time, each delivered to X-Ray before the next: the X-Ray pipeline holds
    // (almost) nothing, while the export pipeline holds everything until its buffer overflows
    await xray.waitFor(() => xray.documents.includes(s.text), 10_000, `document ${i} at X-Ray`);
  }
  const during = await exportCounters(daemon);
  assert.ok(during.spillover > 0, `export spillover counted (${during.spillover})`);
  assert.ok((await metric(daemon, 'xrayd_otlp_export_errors_total', '{class="refused"}')) >= 1);
  const health = (await daemon.getJson('/healthz')).body;
  assert.equal(health.counters.spillover, 0, 'the X-Ray pipeline dropped nothing');
  assert.equal(health.status, 'degraded');
  assert.match(health.problems.find((p: { component: string }) => p.component === 'otlp-export').reason, /ECONNREFUSED/);
  assert.ok(health.otlpExport.buffer.usedBytes <= health.otlpExport.buffer.limitBytes);

  await receiver.listen(port);
  await waitUntil(async () => {
    const c = await exportCounters(daemon);
    return c.sent + c.spillover === 80;
  }, 'the held documents exported once the receiver is back', 20_000);
  const exported = new Set(receiver.spans.map((s) => s.name));
  assert.equal(exported.size, 80 - during.spillover);
  assert.ok(exported.has('bulk-79'), 'the newest documents were kept; the oldest spilled');
  assert.equal(await metric(daemon, 'xrayd_otlp_export_segments_spillover_total'), during.spillover);
});

test('OTLP export with a spool directory: kill -9 while the receiver is down, restart, every document is exported; X-Ray and the export spool apart, sharing Spool.MaxMB', async (t) => {
  const { xray, receiver, port } = await xrayAndReceiverDown();
  const spoolDir = path.join(dir, 'export-spool');
  const args = ['--endpoint', xray.url, '--spool-dir', spoolDir, '--spool-mb', '10', '--otlp-endpoint', `http://127.0.0.1:${port}`];
  let first: DaemonProcess | undefined;
  let second: DaemonProcess | undefined;
  t.after(async () => {
    await second?.stop();
    await first?.stop();
    await receiver.close().catch(() => undefined);
    await xray.close();
  });
  first = await DaemonProcess.start(args, testAwsEnv());
  const udp = new UdpSender(first.udpPort);
  for (let i = 0; i < 50; i++) await udp.send(HEADER + makeSegment({ name: `spooled-${i}` }).text);
  udp.close();
  await xray.waitFor(() => xray.documents.length === 50, 10_000, 'X-Ray got all 50');
  await waitUntil(async () => (await first!.getJson('/healthz')).body.otlpExport.spool.segments >= 50, 'the export spool holds all 50', 10_000);
  const before = (await first.getJson('/healthz')).body;
  assert.equal(before.otlpExport.spool.limitBytes, 4.5 * 1024 * 1024, 'half of Spool.MaxMB each, less half a MB (each spool may pass its share by one file)');
  assert.equal(before.spool.limitBytes, 4.5 * 1024 * 1024);
  assert.equal(before.spool.segments, 0, "X-Ray's spool is empty: X-Ray took everything");
  assert.equal(before.otlpExport.spool.directory, path.join(spoolDir, 'otlp-export'));
  first.signal('SIGKILL');
  await first.waitForExit();

  await receiver.listen(port);
  second = await DaemonProcess.start(args, testAwsEnv());
  await receiver.waitFor(() => new Set(receiver.spans.map((s) => s.name)).size === 50, 20_000, 'all 50 exported after the restart');
  assert.deepEqual(new Set(receiver.spans.map((s) => s.name)), new Set(Array.from({ length: 50 }, (_, i) => `spooled-${i}`)));
  assert.equal(await metric(second, 'xrayd_otlp_export_segments_replayed_total'), 50);
  await waitUntil(async () => (await second!.getJson('/healthz')).body.otlpExport.spool.files === 0, 'exported files deleted', 10_000);
  assert.equal(xray.documents.length, 50, 'X-Ray is not sent anything twice');
});
