import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetTracesCommand,
  GetServiceGraphCommand,
  GetTraceGraphCommand,
  GetTraceSummariesCommand,
  PutTelemetryRecordsCommand,
  PutTraceSegmentsCommand,
  type TraceSummary,
} from '@aws-sdk/client-xray';
import { type Harness, post, startApi } from './api-harness.js';
import { newId, segment, traceId } from '../segment-fixtures.js';

const T0 = 1_700_000_000;

/** A two-service trace: `front` calls `checkout` over HTTP. */
function twoServiceTrace(tid: string, start: number, status = 200) {
  const callId = newId();
  const front = segment({
    trace_id: tid,
    name: 'front',
    start_time: start,
    end_time: start + 0.3,
    http: { request: { method: 'GET', url: 'http://front/cart' }, response: { status } },
    annotations: { tier: 'gold' },
    subsegments: [
      { id: callId, name: 'checkout', start_time: start + 0.05, end_time: start + 0.25, namespace: 'remote', http: { request: { method: 'POST', url: 'http://checkout/pay' }, response: { status } } },
    ],
  });
  const checkout = segment({ trace_id: tid, name: 'checkout', parent_id: callId, start_time: start + 0.06, end_time: start + 0.24, ...(status >= 500 ? { fault: true } : {}) });
  return [front, checkout];
}

describe('local X-Ray API with @aws-sdk/client-xray', () => {
  let h: Harness;
  const ids = [0, 1, 2, 3, 4].map((i) => traceId(T0 + i * 10));

  before(async () => {
    h = await startApi({ limits: { summariesPerPage: 2, traceBytesPerPage: 1 } });
    const docs = ids.flatMap((tid, i) => twoServiceTrace(tid, T0 + i * 10, i === 4 ? 500 : 200)).map((d) => JSON.stringify(d));
    const out = await h.client.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: docs }));
    assert.deepEqual(out.UnprocessedTraceSegments, []);
  });
  after(() => h.close());

  it('PutTraceSegments stores valid documents and returns the invalid ones with a code and message', async () => {
    const good = segment({ trace_id: traceId(T0 - 1000), name: 'other' });
    const missing = { ...segment({ trace_id: traceId(T0 - 1000) }), name: undefined };
    const out = await h.client.send(
      new PutTraceSegmentsCommand({ TraceSegmentDocuments: [JSON.stringify(good), '{not json', JSON.stringify(missing)] }),
    );
    assert.equal(out.UnprocessedTraceSegments?.length, 2);
    assert.equal(out.UnprocessedTraceSegments?.[0].ErrorCode, 'InvalidJson');
    assert.deepEqual(
      { ...out.UnprocessedTraceSegments?.[1] },
      { Id: missing.id, ErrorCode: 'InvalidSegment', Message: 'name is required (a non-empty string)' },
    );
    assert.ok(h.store.get(good.trace_id as string));
  });

  it('GetTraceSummaries pages newest first with NextToken', async () => {
    const seen: TraceSummary[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await h.client.send(
        new GetTraceSummariesCommand({ StartTime: new Date(T0 * 1000), EndTime: new Date((T0 + 100) * 1000), NextToken: token }),
      );
      assert.ok(out.ApproximateTime instanceof Date);
      assert.ok((out.TracesProcessedCount ?? 0) >= (out.TraceSummaries?.length ?? 0));
      seen.push(...(out.TraceSummaries ?? []));
      token = out.NextToken;
      pages += 1;
    } while (token && pages < 10);
    assert.deepEqual(seen.map((s) => s.Id), [...ids].reverse());
    assert.equal(pages, 3);
    assert.equal(seen[0].HasFault, true);
    assert.equal(seen[1].Http?.HttpURL, 'http://front/cart');
  });

  it('GetTraceSummaries applies a FilterExpression and a time window by event time', async () => {
    const out = await h.client.send(
      new GetTraceSummariesCommand({
        StartTime: new Date((T0 + 15) * 1000),
        EndTime: new Date((T0 + 100) * 1000),
        TimeRangeType: 'Event',
        FilterExpression: 'http.status = 200 AND annotation.tier = "gold"',
      }),
    );
    assert.deepEqual(out.TraceSummaries?.map((s) => s.Id), [ids[3], ids[2]]);
  });

  it('a filter syntax error is an InvalidRequestException naming the position', async () => {
    await assert.rejects(
      h.client.send(new GetTraceSummariesCommand({ StartTime: new Date(0), EndTime: new Date(), FilterExpression: 'http.status = = 5' })),
      (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(err.name, 'InvalidRequestException');
        assert.match(err.message, /FilterExpression: .*position \d+/);
        assert.equal(err.$metadata?.httpStatusCode, 400);
        return true;
      },
    );
  });

  it('a bad field is an InvalidRequestException that names it', async () => {
    await assert.rejects(
      h.client.send(new GetTraceSummariesCommand({ StartTime: new Date(2000), EndTime: new Date(1000) })),
      { name: 'InvalidRequestException', message: 'EndTime must not be before StartTime' },
    );
    await assert.rejects(h.client.send(new BatchGetTracesCommand({ TraceIds: [] })), { name: 'InvalidRequestException', message: /TraceIds/ });
  });

  it('BatchGetTraces returns the documents, lists unknown ids, and pages with NextToken', async () => {
    const unknown = traceId(T0 + 999);
    const first = await h.client.send(new BatchGetTracesCommand({ TraceIds: [ids[0], unknown, ids[1]] }));
    assert.deepEqual(first.Traces?.map((t) => t.Id), [ids[0]]);
    const docs = first.Traces?.[0].Segments?.map((s) => JSON.parse(s.Document ?? '{}').name).sort();
    assert.deepEqual(docs, ['checkout', 'front']);
    assert.ok(first.NextToken);
    const second = await h.client.send(new BatchGetTracesCommand({ TraceIds: [ids[0], unknown, ids[1]], NextToken: first.NextToken }));
    assert.deepEqual(second.Traces?.map((t) => t.Id), [ids[1]]);
    assert.deepEqual([...(first.UnprocessedTraceIds ?? []), ...(second.UnprocessedTraceIds ?? [])], [unknown]);
    assert.equal(second.NextToken, undefined);
  });

  it('GetServiceGraph shows the services and the edge between them', async () => {
    const out = await h.client.send(new GetServiceGraphCommand({ StartTime: new Date(T0 * 1000), EndTime: new Date((T0 + 100) * 1000) }));
    const byName = new Map(out.Services?.map((s) => [s.Name, s]));
    assert.ok(byName.has('front') && byName.has('checkout'));
    const checkoutRef = byName.get('checkout')?.ReferenceId;
    assert.ok(byName.get('front')?.Edges?.some((e) => e.ReferenceId === checkoutRef));
    assert.ok(out.StartTime instanceof Date);
  });

  it('GetTraceGraph builds the graph of the given traces', async () => {
    const out = await h.client.send(new GetTraceGraphCommand({ TraceIds: [ids[4]] }));
    const checkout = out.Services?.find((s) => s.Name === 'checkout');
    assert.equal(checkout?.SummaryStatistics?.FaultStatistics?.TotalCount, 1);
  });

  it('PutTelemetryRecords accepts records and refuses a malformed one', async () => {
    const ok = await h.client.send(
      new PutTelemetryRecordsCommand({
        TelemetryRecords: [{ Timestamp: new Date(), SegmentsReceivedCount: 3, SegmentsSentCount: 3, BackendConnectionErrors: { TimeoutCount: 0 } }],
        Hostname: 'dev-box',
      }),
    );
    assert.equal(ok.$metadata.httpStatusCode, 200);
    const bad = await post(h.url, '/TelemetryRecords', JSON.stringify({ TelemetryRecords: [{ SegmentsSentCount: 1 }] }));
    assert.equal(bad.status, 400);
    assert.equal(bad.json.Message, 'TelemetryRecords[0].Timestamp is required');
  });
});

describe('local X-Ray API over plain HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startApi({ maxBodyBytes: 1024 });
  });
  after(() => h.close());

  it('answers an unknown path with 404 in X-Ray error shape', async () => {
    const r = await post(h.url, '/NoSuchOperation', '{}');
    assert.equal(r.status, 404);
    assert.equal(r.type, 'UnknownOperationException');
    assert.equal(r.json.__type, 'UnknownOperationException');
    assert.match(String(r.json.Message), /NoSuchOperation/);
  });

  it('answers a GET on an operation path with 404', async () => {
    const r = await post(h.url, '/TraceSummaries', '', 'GET');
    assert.equal(r.status, 404);
  });

  it('accepts unsigned requests', async () => {
    const r = await post(h.url, '/GetSamplingRules', '');
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.json.SamplingRuleRecords));
  });

  it('refuses a body that is not JSON with InvalidRequestException', async () => {
    const r = await post(h.url, '/TraceSummaries', '{"StartTime": ');
    assert.equal(r.status, 400);
    assert.equal(r.type, 'InvalidRequestException');
    assert.match(String(r.json.Message), /not valid JSON/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const r = await post(h.url, '/TraceSegments', JSON.stringify({ TraceSegmentDocuments: ['x'.repeat(2000)] }));
    assert.equal(r.status, 413);
    assert.equal(r.json.__type, 'RequestEntityTooLargeException');
  });

  it('refuses a NextToken it did not issue', async () => {
    const r = await post(h.url, '/TraceSummaries', JSON.stringify({ StartTime: 0, EndTime: 1, NextToken: 'bm9wZQ' }));
    assert.equal(r.status, 400);
    assert.equal(r.json.Message, 'NextToken is invalid');
  });

  it('takes a JSON body with a __proto__ key as plain data', async () => {
    const r = await post(h.url, '/TraceSummaries', '{"StartTime": 0, "EndTime": 10, "__proto__": {"polluted": true}}');
    assert.equal(r.status, 200);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
