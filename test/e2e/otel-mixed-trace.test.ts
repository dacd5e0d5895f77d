import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import AWSXRay from 'aws-xray-sdk-core';
import { BatchGetTracesCommand, GetServiceGraphCommand, XRayClient } from '@aws-sdk/client-xray';
import { SpanKind, ROOT_CONTEXT, defaultTextMapGetter } from '@opentelemetry/api';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { DaemonProcess, waitUntil } from '../helpers/daemon-process.js';
import { otlpExporter, tracerProvider } from '../helpers/otel-sdk.js';

/**
 * The migration case: "storefront" still uses the X-Ray SDK (segments over UDP) and calls
 * "inventory", already moved to OpenTelemetry with the X-Ray propagator (spans over OTLP). Both land
 * in one daemon and must form one trace and one edge of the service map.
 */
let daemon: DaemonProcess;
let client: XRayClient;
let inventory: http.Server;
let provider: BasicTracerProvider;
/** The mixed trace, for the console test. */
let mixedTraceId: string | undefined;

before(async () => {
  daemon = await DaemonProcess.start(['--backend', 'local']);
  client = new XRayClient({ endpoint: `http://127.0.0.1:${daemon.tcpPort}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'dummy' }, maxAttempts: 1 });
  provider = tracerProvider('inventory', otlpExporter('http/protobuf', `http://127.0.0.1:${daemon.otlpPort}/v1/traces`));
  const tracer = provider.getTracer('inventory');
  const propagator = new AWSXRayPropagator();
  // the OTel service: continues the caller's trace from X-Amzn-Trace-Id
  inventory = http.createServer((req, res) => {
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = tracer.startSpan('GET /stock', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': '/stock', 'http.response.status_code': 200 } }, parent);
    res.end('ok', () => span.end());
  });
  inventory.listen(0, '127.0.0.1');
  await once(inventory, 'listening');
  AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
  AWSXRay.setDaemonAddress(`127.0.0.1:${daemon.udpPort}`);
});

after(async () => {
  inventory?.close();
  await provider?.shutdown();
  client?.destroy();
  await daemon?.stop();
});

test('an X-Ray SDK service calling an OTel service with the X-Ray propagator is one trace and one service-map edge', async () => {
  // the X-Ray SDK service, as captureHTTPs records an outgoing call: a remote subsegment whose id
  // travels in the trace header as Parent
  const segment = new AWSXRay.Segment('storefront');
  const call = segment.addNewSubsegment('inventory');
  call.namespace = 'remote';
  const port = (inventory.address() as AddressInfo).port;
  const res = await fetch(`http://127.0.0.1:${port}/stock`, { headers: { 'X-Amzn-Trace-Id': `Root=${segment.trace_id};Parent=${call.id};Sampled=1` } });
  assert.equal(await res.text(), 'ok');
  call.addRemoteRequestData({ method: 'GET', url: `http://127.0.0.1:${port}/stock` } as never, { statusCode: 200 } as never, true);
  call.close();
  segment.close();
  await provider.forceFlush();

  let docs: Record<string, any>[] = [];
  await waitUntil(async () => {
    const out = await client.send(new BatchGetTracesCommand({ TraceIds: [segment.trace_id] }));
    docs = (out.Traces?.[0]?.Segments ?? []).map((s) => JSON.parse(s.Document!) as Record<string, any>);
    return docs.length >= 2;
  }, 'both services in the trace');
  const otel = docs.find((d) => d.name === 'inventory' && d.origin === undefined && d.parent_id === call.id);
  assert.ok(otel, `the OTel segment continues the SDK's call: ${JSON.stringify(docs)}`);
  assert.equal(otel.trace_id, segment.trace_id);
  assert.ok(docs.some((d) => d.id === segment.id && d.name === 'storefront'));

  const now = Date.now();
  const graph = await client.send(new GetServiceGraphCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000) }));
  const byName = new Map((graph.Services ?? []).map((s) => [s.Name, s]));
  const storefront = byName.get('storefront');
  const inventoryNode = (graph.Services ?? []).filter((s) => s.Name === 'inventory');
  assert.ok(storefront, 'storefront in the map');
  assert.equal(inventoryNode.length, 1, 'inventory appears once (the call and the OTel segment are the same node)');
  assert.ok(storefront.Edges?.some((e) => e.ReferenceId === inventoryNode[0].ReferenceId), 'storefront -> inventory edge');
  mixedTraceId = segment.trace_id;
});

const CHROMIUM = '/usr/bin/chromium';
const skipBrowser = existsSync(CHROMIUM) || process.env.CI ? false : `${CHROMIUM} is not installed`;

test('the console shows the mixed trace as one waterfall and the storefront -> inventory edge', { skip: skipBrowser }, async () => {
  assert.ok(mixedTraceId, 'the API test above stored the mixed trace');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const base = `http://127.0.0.1:${daemon.tcpPort}`;
    await page.goto(`${base}/#/traces/${encodeURIComponent(mixedTraceId)}`);
    await page.locator('.wf-row').nth(2).waitFor();
    const labels = await page.locator('.wf-row:not(.inferred) .wf-label').allInnerTexts();
    assert.ok(labels.some((l) => l.includes('storefront')), `storefront in ${labels.join(', ')}`);
    assert.ok(labels.filter((l) => l.includes('inventory')).length >= 2, `the SDK's call and the OTel segment in ${labels.join(', ')}`);
    await page.goto(`${base}/#/map?range=1h`);
    await page.locator('g.node[data-name="inventory"]').waitFor();
    await page.locator('g.edge-label[aria-label^="Calls from storefront to inventory"]').waitFor();
    assert.equal(await page.locator('g.node[data-name="inventory"]').count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
