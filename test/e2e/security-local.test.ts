import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BatchGetTracesCommand, CreateSamplingRuleCommand, GetSamplingRulesCommand, PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { DaemonProcess, makeSegment } from '../helpers/daemon-process.js';
import { defaultRule, type SamplingRule } from '../../src/local/sampling/sampling-rule.js';
import { call } from '../proxy/http-call.js';
import {
  consoleCall,
  crossSiteFormPost,
  crossSiteMultipartPost,
  crossSiteTextPost,
  get,
  isXrayForbidden,
  post,
  reboundPage,
  refusals,
} from './browser-requests.js';

/** The attacks of issue 11 against `--backend local` on 127.0.0.1, as a browser would make them. */
let daemon: DaemonProcess;
let port: number;
let sdk: XRayClient;

before(async () => {
  daemon = await DaemonProcess.start(['--backend', 'local']);
  port = daemon.tcpPort;
  sdk = new XRayClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
});

after(async () => {
  sdk?.destroy();
  await daemon?.stop();
});

function segmentDocument(): { traceId: string; body: string } {
  const s = makeSegment({ name: 'injected-by-attacker' });
  const traceId = (JSON.parse(s.text) as { trace_id: string }).trace_id;
  return { traceId, body: JSON.stringify({ TraceSegmentDocuments: [s.text] }) };
}

async function stored(traceId: string): Promise<boolean> {
  const out = await sdk.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
  return (out.Traces ?? []).length > 0;
}

async function ruleNames(): Promise<string[]> {
  const out = await sdk.send(new GetSamplingRulesCommand({}));
  return (out.SamplingRuleRecords ?? []).map((r) => r.SamplingRule?.RuleName ?? '');
}

/** A rule as CreateSamplingRule takes it: the built-in Default's fields under another name. */
function rule(name: string): Omit<SamplingRule, 'RuleARN' | 'Attributes'> {
  const { RuleARN: _arn, Attributes: _attributes, ...fields } = defaultRule('arn:aws:xray:local:000000000000');
  return { ...fields, RuleName: name, Priority: 100 };
}

test('CSRF: a cross-site text/plain, form or multipart POST /TraceSegments is refused and nothing is stored', async () => {
  for (const headers of [crossSiteTextPost(), { ...crossSiteFormPost(), 'content-type': 'text/plain' }, crossSiteFormPost(), crossSiteMultipartPost()]) {
    const { traceId, body } = segmentDocument();
    const res = await post(port, '/TraceSegments', headers, body);
    assert.ok(isXrayForbidden(res), `${headers['content-type']}: ${res.status} ${res.body}`);
    assert.equal(await stored(traceId), false, 'the injected trace is not in the store');
  }
});

test('CSRF: cross-site CreateSamplingRule and DeleteSamplingRule are refused; the rules are unchanged', async () => {
  await sdk.send(new CreateSamplingRuleCommand({ SamplingRule: rule('kept-rule') }));
  const before = await ruleNames();
  assert.ok(before.includes('kept-rule'));
  const create = await post(port, '/CreateSamplingRule', crossSiteTextPost(), JSON.stringify({ SamplingRule: rule('attacker-rule') }));
  assert.ok(isXrayForbidden(create), `${create.status} ${create.body}`);
  const del = await post(port, '/DeleteSamplingRule', crossSiteTextPost(), JSON.stringify({ RuleName: 'kept-rule' }));
  assert.ok(isXrayForbidden(del), `${del.status} ${del.body}`);
  const delForm = await post(port, '/DeleteSamplingRule', crossSiteFormPost(), 'RuleName=kept-rule');
  assert.ok(isXrayForbidden(delForm), `${delForm.status} ${delForm.body}`);
  assert.deepEqual(await ruleNames(), before);
});

test('a browser POST with our own Origin must still be application/json (text/plain is refused)', async () => {
  const { traceId, body } = segmentDocument();
  const res = await post(port, '/TraceSegments', { ...consoleCall(`127.0.0.1:${port}`), 'content-type': 'text/plain;charset=UTF-8' }, body);
  assert.ok(isXrayForbidden(res), `${res.status} ${res.body}`);
  assert.equal(await stored(traceId), false);
});

test('Origin null (sandboxed iframe, file://) and a cross-site subresource without Origin are refused', async () => {
  const nullOrigin = await post(port, '/TraceSummaries', { ...consoleCall(`127.0.0.1:${port}`), origin: 'null' }, '{}');
  assert.ok(isXrayForbidden(nullOrigin), `${nullOrigin.status}`);
  // <img src="http://127.0.0.1:2000/metrics"> on another site
  const img = await get(port, '/metrics', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' });
  assert.ok(isXrayForbidden(img), `${img.status}`);
  const sameSite = await post(port, '/TraceSummaries', { 'content-type': 'application/json', 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }, '{}');
  assert.ok(isXrayForbidden(sameSite), `${sameSite.status}`);
});

test('a link to the console from another site still opens it (a top-level GET navigation reads nothing back)', async () => {
  const res = await get(port, '/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-user': '?1' });
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /text\/html/);
});

test('DNS rebinding: reads by a page named attacker.example get 403 on every route', async () => {
  const { traceId, body } = segmentDocument();
  await sdk.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: (JSON.parse(body) as { TraceSegmentDocuments: string[] }).TraceSegmentDocuments }));
  const now = Math.floor(Date.now() / 1000);
  const reads: [string, string][] = [
    ['/TraceSummaries', JSON.stringify({ StartTime: now - 3600, EndTime: now + 60 })],
    ['/Traces', JSON.stringify({ TraceIds: [traceId] })],
    ['/ServiceGraph', JSON.stringify({ StartTime: now - 3600, EndTime: now + 60 })],
  ];
  for (const [path, payload] of reads) {
    const res = await post(port, path, reboundPage(port, 'POST'), payload);
    assert.ok(isXrayForbidden(res), `${path}: ${res.status} ${res.body.slice(0, 200)}`);
    assert.ok(!res.body.includes(traceId));
  }
  for (const path of ['/metrics', '/', '/healthz', '/debug', '/index.html']) {
    const res = await get(port, path, reboundPage(port, 'GET'));
    assert.ok(isXrayForbidden(res), `${path}: ${res.status} ${res.body.slice(0, 200)}`);
  }
  assert.equal(await stored(traceId), true, 'the same read by IP address works');
});

test('IP-literal and localhost hosts, and calls without Origin (SDKs, CLI, curl), keep working', async () => {
  for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `[::1]:${port}`, '[::1]', `localhost:${port}`, 'LOCALHOST', `app.localhost:${port}`, '10.0.0.7:2000']) {
    const res = await get(port, '/healthz', { host });
    assert.equal(res.status, 200, `Host ${host}: ${res.body}`);
  }
  // curl -d '...' sends application/x-www-form-urlencoded and no Origin: not a browser, served as before
  const { traceId, body } = segmentDocument();
  const curl = await post(port, '/TraceSegments', { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'curl/8.5.0' }, body);
  assert.equal(curl.status, 200, curl.body);
  assert.equal(await stored(traceId), true);
});

test("the console's own same-origin calls work, by IP address and by localhost", async () => {
  const now = Math.floor(Date.now() / 1000);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
    const res = await post(port, '/TraceSummaries', consoleCall(host), JSON.stringify({ StartTime: now - 60, EndTime: now + 60 }));
    assert.equal(res.status, 200, `${host}: ${res.body}`);
    assert.ok(Array.isArray((JSON.parse(res.body) as { TraceSummaries: unknown[] }).TraceSummaries));
  }
});

test('every refusal is counted in /metrics by its reason', async () => {
  const before = await refusals(port);
  assert.ok(isXrayForbidden(await get(port, '/healthz', { host: 'attacker.example' })));
  assert.ok(isXrayForbidden(await post(port, '/TraceSegments', crossSiteTextPost(), '{}')));
  assert.ok(isXrayForbidden(await get(port, '/metrics', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' })));
  assert.ok(isXrayForbidden(await post(port, '/TraceSegments', { ...consoleCall(`127.0.0.1:${port}`), 'content-type': 'text/plain' }, '{}')));
  const after = await refusals(port);
  for (const reason of ['host', 'origin', 'sec-fetch-site', 'content-type']) {
    assert.equal(after[reason] - before[reason], 1, `reason ${reason}: ${before[reason]} -> ${after[reason]}`);
  }
  assert.equal(after.connections, 0);
  assert.equal(after['body-bytes'], 0);
});

test('a refused request is answered without its body being read into the API (connection closed)', async () => {
  const res = await call(`http://127.0.0.1:${port}`, 'POST', '/TraceSegments', { headers: crossSiteTextPost(), body: 'x'.repeat(200_000) });
  assert.ok(isXrayForbidden(res));
  assert.equal(res.headers.connection, 'close');
});

/** An OTLP/JSON export of one span, as an OpenTelemetry SDK posts it to /v1/traces. */
function otlpExport(service: string): string {
  const ns = BigInt(Date.now()) * 1_000_000n;
  const span = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), name: 'GET /', kind: 2, startTimeUnixNano: String(ns), endTimeUnixNano: String(ns + 1_000_000n) };
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans: [span] }] }] });
}

async function otlpSpansReceived(): Promise<number> {
  return (JSON.parse((await get(port, '/healthz')).body) as { otlp: { spansReceived: number } }).otlp.spansReceived;
}

test('the OTLP port (4318) has the same guard: cross-site posts and rebound hosts get 403 and no span is taken; SDK exports work', async () => {
  const otlp = daemon.otlpPort;
  assert.ok(otlp > 0);
  const before = await otlpSpansReceived();
  const attacks = [crossSiteTextPost(), { ...crossSiteTextPost(), 'content-type': 'application/json' }, crossSiteFormPost(), reboundPage(otlp, 'POST')];
  for (const headers of attacks) {
    const res = await post(otlp, '/v1/traces', headers, otlpExport('injected-by-attacker'));
    assert.ok(isXrayForbidden(res), `${JSON.stringify(headers)}: ${res.status} ${res.body.slice(0, 200)}`);
  }
  assert.ok(isXrayForbidden(await get(otlp, '/v1/traces', reboundPage(otlp, 'GET'))));
  assert.equal(await otlpSpansReceived(), before, 'no refused span reached the intake');
  const counted = await refusals(port);
  const sdk = await post(otlp, '/v1/traces', { 'content-type': 'application/json', 'user-agent': 'OTel-OTLP-Exporter-JavaScript/0.52.1' }, otlpExport('checkout'));
  assert.equal(sdk.status, 200, sdk.body);
  assert.equal(await otlpSpansReceived(), before + 1);
  assert.ok(isXrayForbidden(await post(otlp, '/v1/traces', crossSiteTextPost(), otlpExport('again'))));
  assert.equal((await refusals(port)).origin, counted.origin + 1, "the OTLP port's refusals are counted in the same /metrics");
});

test('a cross-site POST to a path no route knows is refused before routing, on both ports (operations added later are covered)', async () => {
  for (const p of [port, daemon.otlpPort]) {
    for (const headers of [crossSiteTextPost(), { ...crossSiteTextPost(), 'content-type': 'application/json' }, reboundPage(p, 'POST')]) {
      const res = await post(p, '/SomeFutureOperation', headers, '{}');
      assert.ok(isXrayForbidden(res), `port ${p} ${JSON.stringify(headers)}: ${res.status} ${res.body.slice(0, 200)}`);
    }
    // the same request without browser headers reaches routing, which does not know the path
    assert.equal((await post(p, '/SomeFutureOperation', { 'content-type': 'application/json' }, '{}')).status, 404);
  }
});
