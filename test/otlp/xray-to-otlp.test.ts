import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readCorpusSegment } from '../helpers/corpus.js';
import { attributes } from '../helpers/otlp-receiver.js';
import { documentToOtlp, segmentsToOtlp, translateSegments, MAX_SUBSEGMENT_DEPTH } from '../../src/otlp/xray-to-otlp.js';
import { otlpRequestToJson } from '../../src/otlp/otlp-json.js';
import {
  decodeTraceRequest,
  encodeTraceRequest,
  SpanKind,
  StatusCode,
  toBigInt,
  type OtlpSpan,
  type OtlpTraceRequest,
} from '../../src/otlp/proto/otlp-trace-codec.js';

const attrs = attributes;
const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);

/** Translates, then encodes and decodes with the protobuf codec: assertions see what a receiver sees. */
function overTheWire(docs: unknown[]): OtlpTraceRequest {
  return decodeTraceRequest(encodeTraceRequest(segmentsToOtlp(docs)));
}
function spans(req: OtlpTraceRequest): OtlpSpan[] {
  return (req.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? []));
}
function byName(req: OtlpTraceRequest, name: string): OtlpSpan {
  const s = spans(req).find((sp) => sp.name === name);
  assert.ok(s, `no span named ${name}`);
  return s;
}
const corpus = (name: string) => JSON.parse(readCorpusSegment(name)) as Record<string, unknown>;

interface Case {
  name: string;
  doc: unknown;
  check: (req: OtlpTraceRequest) => void;
}

const cases: Case[] = [
  {
    name: 'ddbSample: embedded subsegments flattened with parent ids, faults, exceptions, annotations and metadata',
    doc: corpus('ddbSample.json'),
    check(req) {
      assert.equal(spans(req).length, 18);
      const root = byName(req, 'DDB');
      assert.equal(hex(root.traceId), '5f29ab21d4ebf299219a65bd5c31d6da');
      assert.equal(hex(root.spanId), '88ad1df59cd7a7be');
      assert.equal(root.parentSpanId?.length ?? 0, 0);
      assert.equal(root.kind, SpanKind.SERVER);
      assert.equal(root.status?.code, StatusCode.ERROR);
      assert.equal(attrs(root.attributes)['aws.xray.fault'], true);
      const op = byName(req, 'DDB.DescribeExistingTableAndPutToMissingTable');
      assert.equal(hex(op.parentSpanId), '88ad1df59cd7a7be');
      assert.equal(op.kind, SpanKind.INTERNAL);
      const a = attrs(op.attributes);
      assert.deepEqual(a['aws.xray.annotations'], ['DDB.DescribeExistingTableAndPutToMissingTable.Annotation']);
      assert.ok('DDB.DescribeExistingTableAndPutToMissingTable.Annotation' in a);
      assert.equal(typeof a['aws.xray.metadata.default'], 'string');
      const failedCall = spans(req).find((s) => hex(s.spanId) === '71631df3f58bdfc5')!;
      assert.equal(failedCall.kind, SpanKind.CLIENT);
      assert.equal(hex(failedCall.parentSpanId), '7df694142c905d8d');
      const fa = attrs(failedCall.attributes);
      assert.equal(fa['aws.xray.namespace'], 'aws');
      assert.equal(fa['aws.service'], 'dynamodb');
      assert.equal(fa['rpc.system'], 'aws-api');
      assert.equal(typeof fa['aws.operation'], 'string');
      assert.ok(failedCall.events!.length >= 1, 'the cause became exception events');
      const ev = attrs(failedCall.events![0].attributes);
      assert.equal(failedCall.events![0].name, 'exception');
      assert.equal(typeof ev['exception.message'], 'string');
      assert.equal(typeof ev['aws.xray.exception.id'], 'string');
      assert.equal(toBigInt(failedCall.events![0].timeUnixNano), toBigInt(failedCall.endTimeUnixNano));
      const resource = attrs(req.resourceSpans![0].resource!.attributes);
      assert.equal(resource['service.name'], 'DDB');
      assert.equal(resource['telemetry.sdk.name'], 'X-Ray for Go');
      assert.equal(resource['telemetry.sdk.language'], 'go');
    },
  },
  {
    name: 'awsValidAwsFields: http block to semantic conventions, host blocks to the resource',
    doc: corpus('awsValidAwsFields.json'),
    check(req) {
      const s = byName(req, 'SampleServer');
      assert.equal(toBigInt(s.startTimeUnixNano), 1596648396639945000n);
      assert.equal(toBigInt(s.endTimeUnixNano), 1596648396640139000n);
      assert.equal(s.status?.code ?? 0, StatusCode.UNSET);
      assert.deepEqual(
        Object.fromEntries(Object.entries(attrs(s.attributes)).filter(([k]) => /^(http|url|user_agent|client)\./.test(k) || k === 'aws.xray.x_forwarded_for')),
        {
          'http.request.method': 'GET',
          'url.full': 'http://localhost:8000/',
          'user_agent.original': 'Go-http-client/1.1',
          'client.address': '127.0.0.1',
          'aws.xray.x_forwarded_for': true,
          'http.response.status_code': 200,
        },
      );
      const r = attrs(req.resourceSpans![0].resource!.attributes);
      assert.equal(r['cloud.provider'], 'aws');
      assert.equal(r['cloud.account.id'], '000000000000');
      assert.equal(r['host.id'], 'i-075ad396f12bc325a');
      assert.equal(r['host.type'], 'm5.xlarge');
      assert.equal(r['container.name'], 'containerId1234');
      assert.equal(r['service.namespace'], 'scorekeep');
      assert.equal(r['service.instance.id'], '32');
    },
  },
  {
    name: 'indepSubsegment: an independent remote subsegment is a CLIENT span under its parent_id',
    doc: corpus('indepSubsegment.json'),
    check(req) {
      const s = byName(req, 'api.example.com');
      assert.equal(s.kind, SpanKind.CLIENT);
      assert.equal(hex(s.parentSpanId), 'defdfd9912dc5a56');
      const a = attrs(s.attributes);
      assert.equal(a['aws.xray.independent_subsegment'], true);
      assert.equal(a['aws.xray.traced'], true);
      assert.equal(a['http.response.body.size'], 861);
    },
  },
  {
    name: 'indepSubsegmentWithContentLengthString: a numeric string content_length is still a number',
    doc: corpus('indepSubsegmentWithContentLengthString.json'),
    check: (req) => assert.equal(attrs(byName(req, 'api.example.com').attributes)['http.response.body.size'], 861),
  },
  {
    name: 'indepSubsegmentWithSql: sql block to db.* attributes, X-Ray-only fields kept',
    doc: corpus('indepSubsegmentWithSql.json'),
    check(req) {
      const a = attrs(spans(req)[0].attributes);
      assert.equal(a['db.system'], 'postgresql');
      assert.equal(a['db.name'], 'ebdb');
      assert.equal(a['db.user'], 'dbuser');
      assert.equal(a['db.statement'], 'SELECT  *  FROM  customers  WHERE  customer_id=?;');
      assert.equal(a['db.query.text'], a['db.statement']);
      assert.match(String(a['db.connection_string']), /^jdbc:postgresql:\/\//);
      assert.equal(a['aws.xray.sql.driver_version'], 'PostgreSQL 9.4.1211.jre7');
      assert.equal(a['aws.xray.sql.preparation'], 'statement');
    },
  },
  {
    name: 'indepSubsegmentWithLocalNamespace: an unknown namespace is kept verbatim on an INTERNAL span (awsxrayreceiver rejects it)',
    doc: corpus('indepSubsegmentWithLocalNamespace.json'),
    check(req) {
      const s = spans(req)[0];
      assert.equal(s.kind, SpanKind.INTERNAL);
      assert.equal(attrs(s.attributes)['aws.xray.namespace'], 'local');
    },
  },
  {
    name: 'minCauseIsExceptionId: a cause that is an exception id is kept as attribute and status message',
    doc: corpus('minCauseIsExceptionId.json'),
    check(req) {
      const s = spans(req)[0];
      assert.equal(s.status?.code, StatusCode.ERROR);
      assert.equal(s.status?.message, 'abcdefghijklmnop');
      assert.equal(attrs(s.attributes)['aws.xray.cause.id'], 'abcdefghijklmnop');
    },
  },
  {
    name: 'minOtherFields: throttle flag, origin, resource_arn; error:false is kept as false-free',
    doc: corpus('minOtherFields.json'),
    check(req) {
      const s = spans(req)[0];
      const a = attrs(s.attributes);
      assert.equal(a['aws.xray.throttle'], true);
      assert.equal(a['aws.xray.error'], undefined);
      assert.equal(a['aws.xray.origin'], 'AWS::EC2::Instance');
      assert.equal(s.status?.code, StatusCode.ERROR);
      const r = attrs(req.resourceSpans![0].resource!.attributes);
      assert.equal(r['cloud.platform'], 'aws_ec2');
      assert.equal(r['aws.xray.resource_arn'], 'chicken');
    },
  },
  {
    name: 'crafted: error flag, two exceptions with stacks, precursor ids as links, in-progress child, user, aws call fields',
    doc: {
      trace_id: '1-6750a1b2-0123456789abcdef01234567',
      id: '1111111111111111',
      name: 'checkout',
      start_time: 1733337522.5,
      end_time: 1733337523.25,
      error: true,
      user: 'u-7',
      origin: 'AWS::Lambda::Function',
      annotations: { customer: 'c-42', amount: 12, vip: true, ratio: 0.5, 'http.request.method': 'shadowed' },
      metadata: { default: { cart: { items: 3 } }, debug: { note: 'x' } },
      http: { request: { method: 'POST', url: 'https://shop/checkout' }, response: { status: 404 } },
      cause: {
        working_directory: '/app',
        paths: ['/app/index.js'],
        exceptions: [
          { id: 'aaaaaaaaaaaaaaaa', type: 'NotFound', message: 'no cart', remote: true, stack: [{ path: 'index.js', line: 12, label: 'load' }] },
          { id: 'bbbbbbbbbbbbbbbb', message: 'second', truncated: 2, skipped: 1, cause: 'aaaaaaaaaaaaaaaa' },
        ],
      },
      subsegments: [
        { id: '2222222222222222', name: 'S3', namespace: 'aws', start_time: 1733337522.6, in_progress: true, precursor_ids: ['3333333333333333', 'not-an-id'], aws: { operation: 'GetObject', region: 'eu-west-1', request_id: 'r1', retries: 2, bucket_name: 'b' } },
        { id: '3333333333333333', name: 'work', start_time: 1733337522.55, end_time: 1733337522.58 },
      ],
    },
    check(req) {
      const root = byName(req, 'checkout');
      const a = attrs(root.attributes);
      assert.equal(a['aws.xray.error'], true);
      assert.equal(a['enduser.id'], 'u-7');
      assert.equal(a.customer, 'c-42');
      assert.equal(a.amount, 12);
      assert.equal(a.vip, true);
      assert.equal(a.ratio, 0.5);
      assert.equal(a['http.request.method'], 'POST');
      assert.equal(a['aws.xray.annotation.http.request.method'], 'shadowed');
      assert.deepEqual(a['aws.xray.annotations'], ['customer', 'amount', 'vip', 'ratio', 'aws.xray.annotation.http.request.method']);
      assert.deepEqual(JSON.parse(String(a['aws.xray.metadata.default'])), { cart: { items: 3 } });
      assert.deepEqual(JSON.parse(String(a['aws.xray.metadata.debug'])), { note: 'x' });
      assert.equal('cart' in a, false, 'metadata is not mixed with annotations');
      assert.equal(a['aws.xray.cause.working_directory'], '/app');
      assert.deepEqual(a['aws.xray.cause.paths'], ['/app/index.js']);
      assert.equal(root.status?.code, StatusCode.ERROR);
      assert.equal(root.status?.message, 'no cart');
      assert.equal(root.events!.length, 2);
      const e1 = attrs(root.events![0].attributes);
      assert.equal(e1['exception.type'], 'NotFound');
      assert.equal(e1['exception.stacktrace'], 'NotFound: no cart\n\tat load(index.js:12)');
      assert.equal(e1['aws.xray.exception.remote'], true);
      const e2 = attrs(root.events![1].attributes);
      assert.equal(e2['aws.xray.exception.truncated'], 2);
      assert.equal(e2['aws.xray.exception.skipped'], 1);
      assert.equal(e2['aws.xray.exception.cause'], 'aaaaaaaaaaaaaaaa');
      assert.equal(attrs(req.resourceSpans![0].resource!.attributes)['cloud.platform'], 'aws_lambda');

      const s3 = byName(req, 'S3');
      assert.equal(s3.kind, SpanKind.CLIENT);
      const sa = attrs(s3.attributes);
      assert.equal(sa['aws.xray.inprogress'], true);
      assert.equal(toBigInt(s3.endTimeUnixNano), toBigInt(root.endTimeUnixNano), 'an in-progress child ends with its parent');
      assert.equal(sa['rpc.method'], 'GetObject');
      assert.equal(sa['aws.region'], 'eu-west-1');
      assert.equal(sa['aws.request_id'], 'r1');
      assert.equal(sa['aws.xray.retries'], 2);
      assert.equal(sa['aws.bucket_name'], 'b');
      assert.equal(s3.links!.length, 1);
      assert.equal(hex(s3.links![0].spanId), '3333333333333333');
      assert.equal(hex(s3.links![0].traceId), hex(root.traceId));
      assert.equal(attrs(s3.links![0].attributes)['aws.xray.precursor'], true);
    },
  },
];

for (const c of cases) {
  test(`X-Ray -> OTLP: ${c.name}`, () => c.check(overTheWire([c.doc])));
}

const rejected: { name: string; doc: unknown; reason: RegExp; inProgress?: boolean }[] = [
  { name: 'minInProgress (corpus)', doc: corpus('minInProgress.json'), reason: /in progress/, inProgress: true },
  { name: 'segmentValidationFailed (corpus, no start_time)', doc: corpus('segmentValidationFailed.json'), reason: /start_time/ },
  { name: 'segmentWithParentId (corpus, no end_time)', doc: corpus('segmentWithParentId.json'), reason: /end_time/ },
  { name: 'a bad trace id', doc: { trace_id: '1-xyz', id: '1111111111111111', name: 'a', start_time: 1, end_time: 2 }, reason: /trace_id/ },
  { name: 'a W3C-style trace id without the X-Ray form', doc: { trace_id: '0123456789abcdef0123456789abcdef', id: '1111111111111111', name: 'a', start_time: 1, end_time: 2 }, reason: /trace_id/ },
  { name: 'a bad embedded id', doc: { trace_id: '1-6750a1b2-0123456789abcdef01234567', id: '1111111111111111', name: 'a', start_time: 1, end_time: 2, subsegments: [{ id: 'zz', name: 'b', start_time: 1, end_time: 2 }] }, reason: /id is not 16 hex/ },
  { name: 'not an object', doc: ['x'], reason: /not a JSON object/ },
];
for (const r of rejected) {
  test(`X-Ray -> OTLP: skipped with a reason: ${r.name}`, () => {
    const t = documentToOtlp(r.doc);
    assert.equal(t.ok, false);
    if (t.ok) return;
    assert.match(t.reason, r.reason);
    assert.equal(t.inProgress === true, r.inProgress === true);
  });
}

test('X-Ray -> OTLP: documents with the same resource share one ResourceSpans; skipped ones are listed by index', () => {
  const a = corpus('indepSubsegment.json');
  const b = { ...a, id: '53995c3f42cd8ad9' };
  const t = translateSegments([a, corpus('minInProgress.json'), b, corpus('awsValidAwsFields.json')]);
  assert.equal(t.spans, 3);
  assert.equal(t.request.resourceSpans!.length, 2);
  assert.deepEqual(t.skipped.map((s) => [s.index, s.inProgress]), [[1, true]]);
});

test('X-Ray -> OTLP: subsegments nested past the limit make the document untranslatable instead of overflowing the stack', () => {
  let seg: Record<string, unknown> = { id: 'aaaaaaaaaaaaaaaa', name: 'leaf', start_time: 1, end_time: 2 };
  for (let i = 0; i < MAX_SUBSEGMENT_DEPTH + 5; i++) seg = { id: 'aaaaaaaaaaaaaaaa', name: `n${i}`, start_time: 1, end_time: 2, subsegments: [seg] };
  const t = documentToOtlp({ ...seg, trace_id: '1-6750a1b2-0123456789abcdef01234567' });
  assert.equal(t.ok, false);
  assert.match((t as { reason: string }).reason, /nested deeper/);
});

test('X-Ray -> OTLP: the JSON rendering uses hex ids and decimal-string nanos (the OTLP JSON mapping)', () => {
  const json = otlpRequestToJson(segmentsToOtlp([corpus('indepSubsegment.json')])) as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  };
  const span = json.resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(span.traceId, '581cf771a006649127e371903a2de979');
  assert.equal(span.spanId, '53995c3f42cd8ad8');
  assert.equal(span.parentSpanId, 'defdfd9912dc5a56');
  assert.equal(span.startTimeUnixNano, '1478293361271000000');
  assert.equal(span.kind, SpanKind.CLIENT);
  assert.deepEqual((span.attributes as unknown[]).find((a) => (a as { key: string }).key === 'http.response.status_code'), {
    key: 'http.response.status_code',
    value: { intValue: '200' },
  });
  // round trip through JSON text: nothing that JSON cannot carry (no Uint8Array, Long or bigint)
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});

test('X-Ray -> OTLP: any JSON value translates or is skipped with a reason, never throws', () => {
  const seg = fc.record(
    {
      trace_id: fc.oneof(fc.constant('1-6750a1b2-0123456789abcdef01234567'), fc.string()),
      id: fc.oneof(fc.constant('1111111111111111'), fc.string()),
      name: fc.string(),
      start_time: fc.oneof(fc.double(), fc.constant(1.5)),
      end_time: fc.oneof(fc.double(), fc.constant(2.5)),
      in_progress: fc.boolean(),
      http: fc.jsonValue(),
      aws: fc.jsonValue(),
      sql: fc.jsonValue(),
      cause: fc.jsonValue(),
      annotations: fc.jsonValue(),
      metadata: fc.jsonValue(),
      subsegments: fc.jsonValue(),
      precursor_ids: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof(seg, fc.jsonValue()), (doc) => {
      const t = translateSegments([doc]);
      assert.equal(t.skipped.length + (t.spans > 0 ? 1 : 0), 1);
      encodeTraceRequest(t.request); // whatever was produced is encodable
      JSON.stringify(otlpRequestToJson(t.request));
    }),
    { numRuns: 500 },
  );
});
