import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import { once } from 'node:events';
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient, type Segment } from '@aws-sdk/client-xray';
import { SpanKind, SpanStatusCode, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { DaemonProcess, UdpSender, waitUntil } from '../helpers/daemon-process.js';
import { adotDatagram, JAVA_HEADER, memoryProvider, NODE_HEADER, otlpExporter, tracerProvider, xrayTraceId, type OtlpProtocol } from '../helpers/otel-sdk.js';
import { decodeTraceResponse, encodeTraceRequest } from '../../src/otlp/proto/otlp-trace-codec.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';

let daemon: DaemonProcess;
let client: XRayClient;
let otlpUrl: string;

before(async () => {
  daemon = await DaemonProcess.start(['--backend', 'local']);
  otlpUrl = `http://127.0.0.1:${daemon.otlpPort}/v1/traces`;
  client = new XRayClient({
    endpoint: `http://127.0.0.1:${daemon.tcpPort}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy' },
    maxAttempts: 1,
  });
});

after(async () => {
  client?.destroy();
  await daemon?.stop();
});

type Doc = Record<string, any>;

/** The trace's documents once `count` have arrived, from BatchGetTraces. */
async function traceDocuments(traceId: string, count: number): Promise<Doc[]> {
  let docs: Doc[] = [];
  await waitUntil(async () => {
    const out = await client.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
    docs = (out.Traces?.[0]?.Segments ?? []).map((s: Segment) => JSON.parse(s.Document!) as Doc);
    return docs.length >= count;
  }, `${count} documents of ${traceId}`);
  return docs;
}

/** A checkout request: a SERVER span (500, a customer attribute) calling inventory (CLIENT). */
async function sendCheckout(protocol: OtlpProtocol, gzip: boolean): Promise<{ traceId: string; serverId: string; clientId: string }> {
  const provider = tracerProvider('checkout', otlpExporter(protocol, otlpUrl, gzip));
  const tracer = provider.getTracer('e2e');
  const server = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'POST', 'url.full': 'http://shop.local/checkout', 'http.response.status_code': 500, customer: 'c-42', protocol },
  });
  const call = tracer.startSpan(
    'GET',
    { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'server.address': 'inventory', 'url.full': 'http://inventory/items', 'http.response.status_code': 404 } },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  call.end();
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'out of stock' });
  server.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: xrayTraceId(server.spanContext().traceId), serverId: server.spanContext().spanId, clientId: call.spanContext().spanId };
}

for (const [protocol, gzip] of [['http/protobuf', false], ['http/json', false], ['http/protobuf', true], ['http/json', true]] as [OtlpProtocol, boolean][]) {
  test(`OTel SDK over ${protocol}${gzip ? ' with gzip' : ''}: the X-Ray API returns the trace with ids, names, flags, http and annotations`, async () => {
    const { traceId, serverId, clientId } = await sendCheckout(protocol, gzip);
    const docs = await traceDocuments(traceId, 2);
    const server = docs.find((d) => d.id === serverId)!;
    const call = docs.find((d) => d.id === clientId)!;
    assert.ok(server && call, `both spans stored: ${JSON.stringify(docs)}`);
    assert.equal(server.trace_id, traceId);
    assert.equal(server.name, 'checkout');
    assert.equal(server.fault, true);
    assert.deepEqual(server.http.request, { method: 'POST', url: 'http://shop.local/checkout' });
    assert.equal(server.http.response.status, 500);
    assert.equal(server.annotations.customer, 'c-42');
    assert.equal(call.type, 'subsegment');
    assert.equal(call.parent_id, serverId);
    assert.equal(call.name, 'inventory');
    assert.equal(call.namespace, 'remote');
    assert.equal(call.error, true);
    // the console's search works on the annotation out of the box (OTLP.IndexAllAttributes)
    const now = Date.now();
    const found = await client.send(
      new GetTraceSummariesCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000), FilterExpression: `annotation.customer = "c-42" AND annotation.protocol = "${protocol}"` }),
    );
    assert.ok(found.TraceSummaries?.some((s) => s.Id === traceId), 'found by annotation');
  });
}

test('spans of one trace sent in separate requests, child first, are joined into one trace', async () => {
  const provider = tracerProvider('orders', otlpExporter('http/protobuf', otlpUrl));
  const tracer = provider.getTracer('e2e');
  const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER });
  const child = tracer.startSpan('load', { kind: SpanKind.INTERNAL }, trace.setSpan(ROOT_CONTEXT, root));
  child.end(); // exported (one request) before the root
  await provider.forceFlush();
  root.end();
  await provider.shutdown();
  const traceId = xrayTraceId(root.spanContext().traceId);
  const docs = await traceDocuments(traceId, 2);
  assert.deepEqual(docs.map((d) => d.name).sort(), ['load', 'orders']);
});

test('ADOT T1S datagrams with either header form are visible; T1U spans are counted, not stored', async () => {
  const { provider, exporter } = memoryProvider('adot-service');
  const tracer = provider.getTracer('adot');
  const udp = new UdpSender(daemon.udpPort);
  try {
    const spans = ['java-header', 'node-header', 'unsampled'].map((name) => {
      const s = tracer.startSpan(name, { kind: SpanKind.SERVER });
      s.end();
      return s.spanContext();
    });
    const finished = exporter.getFinishedSpans();
    const before = (await daemon.getJson('/healthz')).body.otlp.unsampledSpans;
    await udp.send(adotDatagram([finished[0]], { sampled: true, header: JAVA_HEADER }));
    await udp.send(adotDatagram([finished[1]], { sampled: true, header: NODE_HEADER }));
    await udp.send(adotDatagram([finished[2]], { sampled: false }));
    for (const s of spans.slice(0, 2)) {
      const [doc] = await traceDocuments(xrayTraceId(s.traceId), 1);
      assert.equal(doc.id, s.spanId);
      assert.equal(doc.name, 'adot-service');
    }
    await waitUntil(async () => (await daemon.getJson('/healthz')).body.otlp.unsampledSpans === before + 1, 'the T1U span counted');
    const out = await client.send(new BatchGetTracesCommand({ TraceIds: [xrayTraceId(spans[2].traceId)] }));
    assert.equal(out.Traces?.length ?? 0, 0, 'the unsampled span is not stored');
  } finally {
    udp.close();
    await provider.shutdown();
  }
});

async function post(body: Buffer | string, contentType: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; type: string }> {
  const res = await fetch(otlpUrl, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
}

test('malformed bodies get 400, other types 415, and are counted; the daemon keeps serving', async () => {
  const before = (await daemon.getJson('/healthz')).body;
  const cases: [Buffer | string, string, Record<string, string>, number][] = [
    [Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'application/x-protobuf', {}, 400], // a length past the end
    ['{"resourceSpans": [', 'application/json', {}, 400],
    ['{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz", "spanId": "1"}]}]}]}', 'application/json', {}, 400],
    [Buffer.from('not gzip'), 'application/json', { 'content-encoding': 'gzip' }, 400],
    ['<xml/>', 'text/xml', {}, 415],
  ];
  for (const [body, type, headers, status] of cases) {
    const res = await post(body, type, headers);
    assert.equal(res.status, status, `${type} ${String(body).slice(0, 30)}`);
  }
  const after = (await daemon.getJson('/healthz')).body;
  assert.equal(after.otlp.requests.malformed - before.otlp.requests.malformed, 4);
  assert.equal(after.otlp.requests.unsupportedMediaType - before.otlp.requests.unsupportedMediaType, 1);
  assert.equal(after.counters.rejected - before.counters.rejected, 4);
  // still serving: a valid JSON request answers 200 with an ExportTraceServiceResponse
  const ok = await post(gzipSync(JSON.stringify({ resourceSpans: [] })), 'application/json', { 'content-encoding': 'gzip' });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body.toString()), {});
});

test('a body over the size limit gets 413; rejected spans come back as partial_success', async () => {
  const big = await post(Buffer.alloc(9 * 1024 * 1024, 1), 'application/x-protobuf');
  assert.equal(big.status, 413);
  const zeroIds = encodeTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: new Uint8Array(16), spanId: new Uint8Array(8), name: 'bad' }] }] }] });
  const res = await post(Buffer.from(zeroIds), 'application/x-protobuf');
  assert.equal(res.status, 200);
  assert.equal(res.type, 'application/x-protobuf');
  const partial = decodeTraceResponse(res.body).partialSuccess!;
  assert.equal(String(partial.rejectedSpans), '1');
  assert.match(partial.errorMessage!, /trace id or span id/);
});

test('the OTLP port has the TCP port guard: a cross-site text/plain POST and a rebinding Host are refused', async () => {
  const before = (await daemon.getJson('/healthz')).body.otlp.requests.accepted;
  const body = JSON.stringify({ resourceSpans: [] });
  // what a web page can send without a preflight: a "simple" cross-site POST
  const csrf = await post(body, 'text/plain', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' });
  assert.equal(csrf.status, 403);
  // DNS rebinding: evil.example re-pointed at 127.0.0.1 reaches the port with its own Host
  const rebinding = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: daemon.otlpPort, path: '/v1/traces', method: 'POST', headers: { host: `evil.example:${daemon.otlpPort}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(rebinding, 403);
  assert.equal((await daemon.getJson('/healthz')).body.otlp.requests.accepted, before, 'neither reached the OTLP handler');
  const metrics = await (await fetch(`http://127.0.0.1:${daemon.tcpPort}/metrics`)).text();
  assert.match(metrics, /xrayd_http_requests_refused_total\{reason="(origin|sec-fetch-site)"\} [1-9]/);
  assert.match(metrics, /xrayd_http_requests_refused_total\{reason="host"\} [1-9]/);
});

test('OTLP/JSON answers in JSON (int64 as a string); other paths and methods get 404/405', async () => {
  const zeroIds = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0'.repeat(32), spanId: '0'.repeat(16), name: 'bad' }] }] }] });
  const res = await post(zeroIds, 'application/json; charset=utf-8');
  assert.equal(res.status, 200);
  assert.equal(res.type, 'application/json');
  const answer = JSON.parse(res.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
  assert.equal(answer.partialSuccess.rejectedSpans, '1');
  assert.match(answer.partialSuccess.errorMessage, /trace id or span id/);
  assert.equal((await fetch(otlpUrl)).status, 405);
  const logs = await fetch(otlpUrl.replace('/v1/traces', '/v1/logs'), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(logs.status, 404);
  assert.match(((await logs.json()) as { message: string }).message, /POST \/v1\/traces/);
});

test('a taken OTLP port does not stop the daemon: it logs what to change and /healthz shows why', async () => {
  const blocker = http.createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const port = (blocker.address() as { port: number }).port;
  const other = await DaemonProcess.start(['--backend', 'local', '--otlp-bind', `127.0.0.1:${port}`]);
  try {
    const line = await other.waitForLog((l) => l.msg.startsWith('OTLP receiver not started'));
    assert.match(line.msg, /--otlp-bind/);
    const health = (await other.getJson('/healthz')).body;
    assert.equal(health.otlp.listening, false);
    assert.match(health.otlp.error, /EADDRINUSE/);
    assert.equal(health.ok, true, 'UDP intake and the API still run');
    // a local Collector on 4318 is common while migrating: shown here, but not a readiness problem
    assert.equal(health.status, 'ok');
    assert.equal((await other.getJson('/readyz')).status, 200);
  } finally {
    await other.stop();
    blocker.close();
  }
});

test('with --otlp-endpoint, spans received over OTLP are stored and exported as they came', async () => {
  const receiver = new OtlpReceiver();
  await receiver.listen();
  const exporting = await DaemonProcess.start(['--backend', 'local', '--otlp-endpoint', receiver.url]);
  try {
    const provider = tracerProvider('exported-service', otlpExporter('http/json', `http://127.0.0.1:${exporting.otlpPort}/v1/traces`));
    const span = provider.getTracer('e2e').startSpan('GET /export', { kind: SpanKind.SERVER, attributes: { customer: 'c-7' } });
    span.end();
    await provider.shutdown();
    const id = span.spanContext().spanId;
    await receiver.waitFor(() => receiver.spans.some((s) => Buffer.from(s.spanId!).toString('hex') === id), 10_000, 'the exported span');
    const exported = receiver.spans.find((s) => Buffer.from(s.spanId!).toString('hex') === id)!;
    assert.equal(exported.name, 'GET /export', 'untranslated: the OTel span name, not the segment name');
    assert.equal(receiver.resourceOf('GET /export')?.['service.name'], 'exported-service');
  } finally {
    await exporting.stop();
    await receiver.close();
  }
});

test('OTLP/JSON as hand-written clients send it: snake_case keys, enum names, int64 as numbers or strings, upper-case hex ids', async () => {
  const epoch = Math.floor(Date.now() / 1000);
  const traceHex = `${epoch.toString(16)}ABCDEF0123456789ABCDEF01`;
  const startNanos = BigInt(epoch) * 1_000_000_000n;
  const body = {
    resource_spans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'handmade' } }] },
        scope_spans: [
          {
            spans: [
              {
                trace_id: traceHex,
                span_id: 'AAAAAAAAAAAAAAA1',
                parent_span_id: '',
                name: 'GET /hand',
                kind: 'SPAN_KIND_SERVER',
                start_time_unix_nano: startNanos.toString(),
                end_time_unix_nano: Number(startNanos + 250_000_000n), // a JSON number (precision is the sender's business)
                attributes: [
                  { key: 'http.response.status_code', value: { int_value: '502' } },
                  { key: 'retries', value: { intValue: 2 } },
                ],
                status: { code: 'STATUS_CODE_ERROR', message: 'upstream' },
              },
              { traceId: traceHex, spanId: 'AAAAAAAAAAAAAAA2', parentSpanId: 'AAAAAAAAAAAAAAA1', name: 'call', kind: 3, startTimeUnixNano: startNanos.toString(), endTimeUnixNano: startNanos.toString() },
            ],
          },
        ],
      },
    ],
  };
  const res = await post(JSON.stringify(body), 'application/json');
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(res.body.toString()), {}, 'nothing rejected: no partialSuccess');
  const docs = await traceDocuments(`1-${traceHex.slice(0, 8).toLowerCase()}-${traceHex.slice(8).toLowerCase()}`, 2);
  const server = docs.find((d) => d.id === 'aaaaaaaaaaaaaaa1')!;
  assert.equal(server.name, 'handmade');
  assert.equal(server.fault, true);
  assert.equal(server.http.response.status, 502);
  assert.equal(server.annotations.retries, 2);
  assert.equal(server.start_time, epoch);
  assert.ok(Math.abs(server.end_time - (epoch + 0.25)) < 1e-6);
  const call = docs.find((d) => d.id === 'aaaaaaaaaaaaaaa2')!;
  assert.deepEqual([call.type, call.parent_id, call.namespace], ['subsegment', 'aaaaaaaaaaaaaaa1', 'remote']);
});

test('empty requests: an empty protobuf body or {} is an empty success in its encoding; an empty JSON body is malformed', async () => {
  const proto = await post(Buffer.alloc(0), 'application/x-protobuf');
  assert.equal(proto.status, 200);
  assert.equal(proto.type, 'application/x-protobuf');
  assert.equal(proto.body.length, 0, 'an ExportTraceServiceResponse with nothing set');
  assert.equal(decodeTraceResponse(proto.body).partialSuccess ?? undefined, undefined);
  const json = await post('{}', 'application/json');
  assert.deepEqual([json.status, json.type, json.body.toString()], [200, 'application/json', '{}']);
  const emptyScopes = await post(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [] }] }] }), 'application/json');
  assert.deepEqual([emptyScopes.status, emptyScopes.body.toString()], [200, '{}']);
  const nothing = await post('', 'application/json');
  assert.equal(nothing.status, 400);
  assert.match((JSON.parse(nothing.body.toString()) as { message: string }).message, /not valid JSON/);
});

test('gzip: a body that inflates past the limit gets 413 in the request encoding; another content encoding gets 415', async () => {
  const bomb = gzipSync(Buffer.alloc(9 * 1024 * 1024)); // ~9 KB on the wire
  const big = await post(bomb, 'application/x-protobuf', { 'content-encoding': 'gzip' });
  assert.equal(big.status, 413);
  assert.equal(big.type, 'application/x-protobuf');
  const jsonBig = await post(bomb, 'application/json', { 'content-encoding': 'gzip' });
  assert.equal(jsonBig.status, 413);
  assert.match((JSON.parse(jsonBig.body.toString()) as { message: string }).message, /decompressed body exceeds 8388608 bytes/);
  const br = await post('{}', 'application/json', { 'content-encoding': 'br' });
  assert.equal(br.status, 415);
  assert.equal((await daemon.getJson('/healthz')).body.ok, true);
});
