import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { summarizeTrace } from '../../../src/local/reads/trace-summary.js';
import { buildServiceGraph } from '../../../src/local/reads/service-graph.js';
import { toApiTrace } from '../../../src/local/reads/api-trace.js';
import type { SegmentDocument, TraceView } from '../../../src/local/trace-view.js';

// A small id pool makes parent links collide, so cycles and self-references occur often.
const ID_POOL = ['a000000000000001', 'a000000000000002', 'a000000000000003', 'a000000000000004', 'a000000000000005'];
const T = 1700000000;

const entityFields = {
  id: fc.constantFrom(...ID_POOL),
  name: fc.constantFrom('svc', 'DynamoDB', 'dynamodb', 'S3', 'api.example.com', ''),
  start_time: fc.double({ min: T, max: T + 10, noNaN: true }),
  end_time: fc.option(fc.double({ min: T, max: T + 20, noNaN: true }), { nil: undefined }),
  in_progress: fc.option(fc.boolean(), { nil: undefined }),
  namespace: fc.option(fc.constantFrom('aws', 'remote', 'local'), { nil: undefined }),
  fault: fc.option(fc.boolean(), { nil: undefined }),
  error: fc.option(fc.boolean(), { nil: undefined }),
  throttle: fc.option(fc.boolean(), { nil: undefined }),
  aws: fc.option(fc.oneof(fc.jsonValue(), fc.record({ table_name: fc.jsonValue(), ec2: fc.jsonValue() })), { nil: undefined }),
  http: fc.option(fc.jsonValue(), { nil: undefined }),
  cause: fc.option(fc.jsonValue(), { nil: undefined }),
  annotations: fc.option(fc.jsonValue(), { nil: undefined }),
  user: fc.option(fc.jsonValue(), { nil: undefined }),
};

const entity = fc.letrec<{ e: SegmentDocument }>((tie) => ({
  e: fc.record({
    ...entityFields,
    subsegments: fc.option(fc.oneof(fc.array(tie('e'), { maxLength: 3 }), fc.jsonValue()), { nil: undefined, depthSize: 'small' }),
  }) as fc.Arbitrary<SegmentDocument>,
})).e;

const doc = fc
  .tuple(entity, fc.option(fc.constantFrom(...ID_POOL, 'ffffffffffffffff'), { nil: undefined }), fc.boolean(), fc.option(fc.constantFrom('AWS::EC2::Instance', 'AWS::Lambda::Function'), { nil: undefined }))
  .map(([e, parent, sub, origin]): SegmentDocument => ({
    ...e,
    ...(parent !== undefined ? { parent_id: parent } : {}),
    ...(sub ? { type: 'subsegment' as const } : {}),
    ...(origin !== undefined ? { origin } : {}),
  }));

const traceArb = fc.array(doc, { minLength: 1, maxLength: 6 }).map((segments): TraceView => ({ id: '1-6553f100-0123456789abcdef01234567', segments }));

test('random and hostile traces never make the reads throw, and the graph stays consistent', () => {
  fc.assert(
    fc.property(fc.array(traceArb, { minLength: 1, maxLength: 3 }), (traces) => {
      for (const t of traces) {
        const summary = summarizeTrace(t);
        assert.ok(Number.isFinite(summary.Duration) && summary.Duration >= 0);
        JSON.stringify(summary);
        const apiTrace = toApiTrace(t);
        for (const s of apiTrace.Segments) JSON.parse(s.Document);
      }
      const graph = buildServiceGraph(traces, { startTime: T + 1, endTime: T + 5 });
      for (const g of [graph, buildServiceGraph(traces)]) {
        assert.deepStrictEqual(g.map((n) => n.ReferenceId), g.map((_, i) => i));
        for (const n of g) {
          const s = n.SummaryStatistics;
          assert.equal(s.TotalCount, s.OkCount + s.ErrorStatistics.TotalCount + s.FaultStatistics.TotalCount);
          assert.equal(n.ResponseTimeHistogram.reduce((sum, h) => sum + h.Count, 0), s.TotalCount);
          for (const e of n.Edges) assert.ok(e.ReferenceId >= 0 && e.ReferenceId < g.length);
        }
      }
    }),
    { numRuns: 300 },
  );
});

test('a deeply nested document (20,000 levels) is read without overflowing the stack, and served verbatim', () => {
  const depth = 20000;
  const level = (i: number) => `{"id":"d${i.toString(16).padStart(15, '0')}","name":"n","start_time":${T},"end_time":${T + 1},"fault":true,"subsegments":[`;
  let text = '';
  for (let i = 0; i < depth; i++) text += level(i);
  text += `{"id":"c000000000000000","name":"deep","namespace":"remote","start_time":${T},"end_time":${T + 1},"fault":true}`;
  text += ']}'.repeat(depth);
  const root = JSON.parse(text) as SegmentDocument;
  const t: TraceView = { id: '1-6553f100-0123456789abcdef01234567', segments: [root] };

  const summary = summarizeTrace(t);
  assert.equal(summary.HasFault, true);
  assert.equal(summary.FaultRootCauses.length, 1, 'the walk is cut short at a bounded depth, still one cause');
  const graph = buildServiceGraph([t]);
  assert.equal(graph.find((n) => n.Name === 'deep')?.Type, 'remote');
  const apiTrace = toApiTrace(t);
  assert.equal(apiTrace.Segments.length, 2);
  assert.equal(apiTrace.Segments[0].Document, text);
});
