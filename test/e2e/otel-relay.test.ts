import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { FakeXray } from '../helpers/fake-xray.js';
import { testAwsEnv } from '../helpers/sigv4-verify.js';
import { DaemonProcess, UdpSender, waitUntil } from '../helpers/daemon-process.js';
import { adotDatagram, JAVA_HEADER, memoryProvider, NODE_HEADER, otlpExporter, tracerProvider, xrayTraceId } from '../helpers/otel-sdk.js';
import { decodeTraceRequest, decodeTraceResponse, encodeTraceRequest } from '../../src/otlp/proto/otlp-trace-codec.js';

let xray: FakeXray;
let relay: DaemonProcess;
let uploader: DaemonProcess;

before(async () => {
  xray = new FakeXray();
  await xray.listen();
  relay = await DaemonProcess.start(['--endpoint', xray.url], testAwsEnv());
  uploader = await DaemonProcess.start(['--endpoint', xray.url, '--otlp-upload'], testAwsEnv());
});

after(async () => {
  await relay?.stop();
  await uploader?.stop();
  await xray?.close();
});

const otlpUrl = (d: DaemonProcess) => `http://127.0.0.1:${d.otlpPort}/v1/traces`;

/** A SERVER span with a CLIENT child, exported over OTLP/protobuf to `daemon`. */
async function sendPair(daemon: DaemonProcess, service: string, xrayIds: boolean): Promise<{ traceId: string; ids: string[] }> {
  const provider = tracerProvider(service, otlpExporter('http/protobuf', otlpUrl(daemon)), xrayIds);
  const tracer = provider.getTracer('e2e');
  const server = tracer.startSpan('GET /pay', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.response.status_code': 503 } });
  const call = tracer.startSpan('charge', { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'bank' } }, trace.setSpan(ROOT_CONTEXT, server));
  call.end();
  server.end();
  await provider.shutdown();
  return { traceId: server.spanContext().traceId, ids: [server.spanContext().spanId, call.spanContext().spanId] };
}

test('relay: OTLP spans with X-Ray trace ids reach PutTraceSegments as translated, signed segment documents', async () => {
  const { traceId, ids } = await sendPair(relay, 'payments', true);
  const docs = () => xray.documents.map((d) => JSON.parse(d) as Record<string, any>).filter((d) => ids.includes(d.id));
  await xray.waitFor(() => docs().length === 2, 10_000, 'the translated documents');
  const [server, call] = ids.map((id) => docs().find((d) => d.id === id)!);
  assert.equal(server.trace_id, xrayTraceId(traceId));
  assert.equal(server.name, 'payments');
  assert.equal(server.fault, true);
  assert.equal(server.http.response.status, 503);
  assert.deepEqual([call.type, call.parent_id, call.name, call.namespace], ['subsegment', ids[0], 'bank', 'remote']);
  // the aws backend indexes no attributes by default: they stay metadata
  assert.equal(server.annotations, undefined);
  for (const c of xray.calls.filter((c) => c.path === '/TraceSegments')) assert.equal(c.signatureProblem, undefined);
});

test('relay: spans with W3C trace ids are rejected with a reason, counted, and a log line says what to change', async () => {
  const before = (await relay.getJson('/healthz')).body;
  const { ids } = await sendPair(relay, 'w3c-service', false);
  await waitUntil(async () => (await relay.getJson('/healthz')).body.otlp.spansRejected['non-xray-trace-id'] === before.otlp.spansRejected['non-xray-trace-id'] + 2, 'the rejection counted');
  const line = await relay.waitForLog((l) => l.msg.startsWith('OTLP spans rejected'));
  assert.match(line.msg, /AWSXRayIdGenerator/);
  assert.match(line.msg, /--otlp-upload/);
  const after = (await relay.getJson('/healthz')).body;
  assert.equal(after.counters.rejected - before.counters.rejected, 2);
  assert.ok(!xray.documents.some((d) => ids.some((id) => d.includes(id))), 'nothing of them uploaded');
});

test('relay: ADOT T1S bodies (both header forms) are forwarded unchanged', async () => {
  const { provider, exporter } = memoryProvider('adot-relay');
  const tracer = provider.getTracer('adot');
  for (const name of ['a', 'b']) tracer.startSpan(name).end();
  const [a, b] = exporter.getFinishedSpans();
  const datagrams = [adotDatagram([a], { sampled: true, header: JAVA_HEADER }), adotDatagram([b], { sampled: false, header: NODE_HEADER })];
  const bodies = datagrams.map((d) => d.toString('utf8').slice(d.indexOf(0x0a) + 1));
  const udp = new UdpSender(relay.udpPort);
  try {
    for (const d of datagrams) await udp.send(d);
    await xray.waitFor(() => bodies.every((body) => xray.documents.includes(body)), 10_000, 'the T1S/T1U bodies');
  } finally {
    udp.close();
    await provider.shutdown();
  }
  assert.ok(bodies[0].startsWith('T1S') && bodies[1].startsWith('T1U'));
});

test('--otlp-upload: spans (W3C ids too) go signed to X-Ray\'s OTLP endpoint /v1/traces', async () => {
  const { traceId, ids } = await sendPair(uploader, 'w3c-upload', false);
  const received = () =>
    xray.otlpBodies.flatMap((body) => (decodeTraceRequest(body).resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? [])));
  await xray.waitFor(() => ids.every((id) => received().some((s) => Buffer.from(s.spanId!).toString('hex') === id)), 10_000, 'the OTLP spans');
  const spans = received().filter((s) => Buffer.from(s.traceId!).toString('hex') === traceId);
  assert.deepEqual(spans.map((s) => s.name).sort(), ['GET /pay', 'charge']);
  const calls = xray.calls.filter((c) => c.path === '/v1/traces');
  assert.ok(calls.length > 0);
  for (const c of calls) {
    assert.equal(c.signatureProblem, undefined, 'SigV4, service xray');
    assert.equal(c.headers['content-type'], 'application/x-protobuf');
  }
  assert.ok(!xray.documents.some((d) => ids.some((id) => d.includes(id))), 'not sent as segments');
  const health = (await uploader.getJson('/healthz')).body;
  assert.ok(health.counters.sent >= 2);
});

test('--otlp-upload: a span with an all-zero trace id is refused in partial_success, not uploaded', async () => {
  const body = encodeTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: new Uint8Array(16), spanId: Buffer.alloc(8, 5), name: 'zero-trace' }] }] }] });
  const res = await fetch(otlpUrl(uploader), { method: 'POST', body: Buffer.from(body), headers: { 'content-type': 'application/x-protobuf' } });
  assert.equal(res.status, 200);
  const partial = decodeTraceResponse(Buffer.from(await res.arrayBuffer())).partialSuccess!;
  assert.equal(String(partial.rejectedSpans), '1');
  assert.match(partial.errorMessage!, /trace id or span id missing, zero/);
  assert.equal((await uploader.getJson('/healthz')).body.otlp.spansRejected['invalid-id'], 1);
});
