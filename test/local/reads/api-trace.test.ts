import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toApiTrace } from '../../../src/local/reads/api-trace.js';
import type { SegmentDocument } from '../../../src/local/trace-view.js';
import { T, TRACE_ID, backend, frontEnd, multiServiceTrace, payments } from './multi-service-trace.js';
import { readCorpusSegment } from '../../helpers/corpus.js';

test('stored documents come back verbatim as JSON text, ids as stored', () => {
  const trace = toApiTrace(multiServiceTrace());
  assert.equal(trace.Id, TRACE_ID);
  assert.equal(trace.Duration, 0.5);
  assert.equal(trace.LimitExceeded, false);
  const stored = trace.Segments.filter((s) => !(JSON.parse(s.Document) as { inferred?: boolean }).inferred);
  assert.deepStrictEqual(
    stored.map((s) => [s.Id, JSON.parse(s.Document)]),
    [backend, payments, frontEnd].map((d) => [d.id, d]),
  );
});

test('inferred segments for the DynamoDB and payments calls, none for the backend that reported itself', () => {
  const trace = toApiTrace(multiServiceTrace());
  const ids = trace.Segments.map((s) => s.Id);
  assert.equal(ids.length, 5);
  const [, , paymentsInferred, , cartsInferred] = trace.Segments;
  // Each inferred segment is listed right after the document that made the call.
  assert.deepStrictEqual(ids.filter((_, i) => i !== 2 && i !== 4), ['be00000000000001', 'fe00000000000005', 'fe00000000000001']);
  for (const s of [paymentsInferred, cartsInferred]) assert.match(s.Id, /^[0-9a-f]{16}$/);
  assert.notEqual(paymentsInferred.Id, cartsInferred.Id);

  assert.deepStrictEqual(JSON.parse(cartsInferred.Document), {
    id: cartsInferred.Id,
    name: 'carts',
    start_time: T + 0.22,
    end_time: T + 0.25,
    parent_id: 'fe00000000000003',
    inferred: true,
    origin: 'AWS::DynamoDB::Table',
    trace_id: TRACE_ID,
    http: { response: { status: 429 } },
    aws: { operation: 'GetItem', region: 'eu-west-1', table_name: 'carts', retries: 0 },
    error: true,
    throttle: true,
  });
  assert.deepStrictEqual(JSON.parse(paymentsInferred.Document), {
    id: paymentsInferred.Id,
    name: 'payments.example.com',
    start_time: T + 0.26,
    end_time: T + 0.29,
    parent_id: 'fe00000000000005',
    inferred: true,
    origin: 'remote',
    trace_id: TRACE_ID,
    http: { request: { method: 'POST', url: 'https://payments.example.com/charge' }, response: { status: 404 } },
    error: true,
  });
  const parents = trace.Segments.map((s) => (JSON.parse(s.Document) as { parent_id?: string }).parent_id);
  assert.equal(parents.filter((p) => p === 'fe00000000000002').length, 1, 'only the real backend segment hangs off the backend call');
});

test('inferred ids are stable from one call to the next and unique per trace', () => {
  const a = toApiTrace(multiServiceTrace()).Segments.map((s) => s.Id);
  const b = toApiTrace(multiServiceTrace()).Segments.map((s) => s.Id);
  assert.deepStrictEqual(b, a);
  const other = multiServiceTrace();
  other.id = '1-6553f100-fedcba9876543210fedcba98';
  const c = toApiTrace(other).Segments.map((s) => s.Id);
  assert.notEqual(c[4], a[4]);
});

test('an in-progress call yields an in-progress inferred segment', () => {
  const doc: SegmentDocument = {
    id: 'ab00000000000001',
    name: 'svc',
    start_time: T,
    in_progress: true,
    subsegments: [{ id: 'ab00000000000002', name: 'api.example.com', namespace: 'remote', start_time: T + 0.1, in_progress: true }],
  };
  const trace = toApiTrace({ id: TRACE_ID, segments: [doc] });
  assert.equal(trace.Duration, 0);
  const inferred = JSON.parse(trace.Segments[1].Document) as Record<string, unknown>;
  assert.equal(inferred['in_progress'], true);
  assert.equal(inferred['end_time'], undefined);
  assert.equal(inferred['origin'], 'remote');
});

test('ddbSample: the stored document plus one inferred segment per DynamoDB table', () => {
  const text = readCorpusSegment('ddbSample.json');
  const doc = JSON.parse(text) as SegmentDocument;
  const trace = toApiTrace({ id: String(doc.trace_id), segments: [doc] });
  assert.equal(trace.Duration, 0.057);
  assert.equal(trace.Segments[0].Id, '88ad1df59cd7a7be');
  assert.deepStrictEqual(JSON.parse(trace.Segments[0].Document), JSON.parse(text));
  assert.deepStrictEqual(
    trace.Segments.slice(1).map((s) => {
      const d = JSON.parse(s.Document) as Record<string, unknown>;
      return [d['name'], d['origin'], d['parent_id'], d['fault'] ?? false];
    }),
    [
      ['xray_sample_table', 'AWS::DynamoDB::Table', '7318c46a385557f5', false],
      ['does_not_exist', 'AWS::DynamoDB::Table', '71631df3f58bdfc5', true],
    ],
  );
});
