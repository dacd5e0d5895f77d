import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DaemonProcess, REPO_ROOT, waitUntil } from '../helpers/daemon-process.js';
import { RELIABILITY, envNumber, health, offer, payload, withGenerators, type Payload } from './reliability-kit.js';

/** The local backend exists once `local-store` is merged; before that these tests skip. */
const LOCAL = existsSync(path.join(REPO_ROOT, 'dist/src/local/local-backend.js'));
const OPTIONS = RELIABILITY.skip ? RELIABILITY : LOCAL ? {} : { skip: 'no local backend in this build' };
const RUNS = envNumber('XRAYD_API_RUNS', 300);

const OPERATIONS = [
  '/TraceSegments', '/TelemetryRecords', '/Traces', '/TraceSummaries', '/ServiceGraph', '/TraceGraph', '/GetSamplingRules', '/SamplingTargets', '/CreateSamplingRule',
  '/UpdateSamplingRule', '/DeleteSamplingRule', '/SamplingStatisticSummaries', '/CreateGroup', '/GetGroup', '/Groups', '/UpdateGroup', '/DeleteGroup', '/TagResource',
  '/UntagResource', '/ListTagsForResource', '/TimeSeriesServiceStatistics', '/EncryptionConfig', '/PutEncryptionConfig', '/GetIndexingRules', '/UpdateIndexingRule',
  '/GetTraceSegmentDestination', '/UpdateTraceSegmentDestination', '/PutResourcePolicy', '/ListResourcePolicies', '/DeleteResourcePolicy', '/StartTraceRetrieval',
  '/ListRetrievedTraces', '/GetRetrievedTracesGraph', '/CancelTraceRetrieval', '/InsightSummaries', '/Insight', '/InsightEvents', '/InsightImpactGraph',
];

/**
 * POST and read the answer. An oversized body may be refused (413) before it is fully written and
 * the connection closed, which the client sees as EPIPE/ECONNRESET: that comes back as status 0.
 */
async function post(port: number, pathname: string, body: Buffer | string): Promise<{ status: number; type: string | null; json: unknown }> {
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${port}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const code = ((err as Error).cause as { code?: string } | undefined)?.code;
    if (body.length > 5 * 1024 * 1024 && (code === 'EPIPE' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')) return { status: 0, type: null, json: undefined };
    throw err;
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), json };
}

const window = () => ({ StartTime: Date.now() / 1000 - 3600, EndTime: Date.now() / 1000 + 60 });
const FILTER_TOKENS = ['service(', 'service()', ')', '"svc-3"', 'AND', 'OR', '!', 'NOT', 'http.status', '=', '!=', '>=', '500', '{', '}', 'annotation.shard', 'annotation.', 'responsetime', '>', '(', 'edge(', ',', 'rootcause.fault.service', 'id(name:', 'type:', 'CONTAINS', '"x\\"y"', 'ok', 'fault', '1e999', '-0', '"', '\\'];

/** Request bodies that are hostile to a JSON API. */
const junkBody: fc.Arbitrary<Payload> = fc.oneof(
  payload('random bytes', fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b))),
  payload('json value', fc.jsonValue().map((v) => JSON.stringify(v))),
  payload('wrong types', fc.record({ StartTime: fc.anything(), EndTime: fc.anything(), TraceIds: fc.anything(), FilterExpression: fc.anything(), NextToken: fc.anything(), TraceSegmentDocuments: fc.anything(), SamplingRule: fc.anything() }, { requiredKeys: [] }).map((r) => JSON.stringify(r) ?? '{}')),
  payload('deep array', fc.integer({ min: 1, max: 50_000 }).map((d) => '['.repeat(d) + ']'.repeat(d))),
  payload('deep object', fc.integer({ min: 1, max: 20_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d))),
  payload('__proto__', fc.jsonValue().map((v) => `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"TraceIds":${JSON.stringify(v)}}`)),
  payload('filter soup', fc.array(fc.constantFrom(...FILTER_TOKENS), { maxLength: 40 }).map((tokens) => JSON.stringify({ ...window(), FilterExpression: tokens.join(' ') }))),
  payload('deep filter', fc.integer({ min: 1, max: 5000 }).map((d) => JSON.stringify({ ...window(), FilterExpression: '('.repeat(d) + 'ok' + ')'.repeat(d) }))),
  payload('invalid utf-8', fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('{"TraceIds":["'), Buffer.from(b), Buffer.from([0xff, 0xfe]), Buffer.from('"]}')]))),
  payload('oversized', fc.constant(Buffer.alloc(6 * 1024 * 1024, 0x20))), // over the 5 MiB body cap
);

test(`local API: ${RUNS} hostile request bodies get X-Ray error shapes, never a 500; the store is intact`, { ...OPTIONS, timeout: 600_000 }, async (t) => {
  const daemon = await DaemonProcess.start(['--backend', 'local', '-l', 'info']);
  try {
    await withGenerators(1, async (g) => {
      const offered = await offer(g, daemon.udpPort, 2000, 1, 0x61);
      await waitUntil(async () => (await health(daemon)).store!.segments === offered.sent, 'known traces stored', 10_000);
    });
    const before = await post(daemon.tcpPort, '/TraceSummaries', JSON.stringify(window()));
    const someIds = (before.json as { TraceSummaries: { Id: string }[] }).TraceSummaries.slice(0, 5).map((s) => s.Id);
    const traces = async () => JSON.stringify((await post(daemon.tcpPort, '/Traces', JSON.stringify({ TraceIds: someIds }))).json);
    const reference = await traces();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS, '/Nope', '/healthz'), junkBody, async (op, body) => {
        const r = await post(daemon.tcpPort, op, body.bytes);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) return true;
        if (r.status === 0) return body.kind === 'oversized' && (await health(daemon)).ok; // refused mid-upload
        const shape = r.json as { __type?: unknown; Message?: unknown };
        return r.status >= 400 && r.status < 500 && typeof shape.__type === 'string' && typeof shape.Message === 'string' && (op === '/healthz' || r.type === shape.__type);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    t.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
    const h = await health(daemon);
    assert.equal(h.ok, true);
    assert.ok(h.store!.segments >= 2000 * 0.99, 'stored segments are still there');
    assert.equal(await traces(), reference, 'stored traces unchanged');
    assert.equal(daemon.logs.filter((l) => l.level >= 50).length, 0, `no error logs: ${JSON.stringify(daemon.logs.filter((l) => l.level >= 50).slice(0, 2))}`);
  } finally {
    await daemon.stop();
  }
});

test('local backend: kill -9 under load keeps every stored trace (--store-path), the restart serves them', OPTIONS, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-reliability-'));
  const storePath = path.join(dir, 'traces.log');
  const first = await DaemonProcess.start(['--backend', 'local', '--store-path', storePath, '-l', 'info']);
  let second: DaemonProcess | undefined;
  try {
    let storedBeforeKill = 0;
    await withGenerators(1, async (g) => {
      const load = offer(g, first.udpPort, 5000, 4, 0x62);
      await waitUntil(async () => ((await health(first)).store?.segments ?? 0) > 5000, 'segments stored', 15_000);
      storedBeforeKill = (await health(first)).store!.segments;
      first.signal('SIGKILL');
      await first.waitForExit(5000);
      await load;
    });
    second = await DaemonProcess.start(['--backend', 'local', '--store-path', storePath, '-l', 'info']);
    const after = (await health(second)).store!.segments;
    t.diagnostic(`stored before kill -9: ${storedBeforeKill}; after restart: ${after}`);
    assert.ok(after >= storedBeforeKill, `restart has ${after} segments, ${storedBeforeKill} were stored before the kill`);
    const page = await post(second.tcpPort, '/TraceSummaries', JSON.stringify(window()));
    assert.equal(page.status, 200);
    const ids = (page.json as { TraceSummaries: { Id: string }[] }).TraceSummaries.slice(0, 5).map((s) => s.Id);
    const got = await post(second.tcpPort, '/Traces', JSON.stringify({ TraceIds: ids }));
    const docs = (got.json as { Traces: { Segments: { Document: string }[] }[] }).Traces.flatMap((tr) => tr.Segments.map((s) => JSON.parse(s.Document) as { id: string }));
    assert.equal(docs.length, ids.length, 'each trace readable after the restart');
  } finally {
    await second?.stop();
    await first.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
