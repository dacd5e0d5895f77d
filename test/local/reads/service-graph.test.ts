import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceGraph } from '../../../src/local/reads/service-graph.js';
import type { HistogramEntry, ServiceNode, Statistics } from '../../../src/local/reads/api-types.js';
import type { SegmentDocument } from '../../../src/local/trace-view.js';
import { T, TRACE_ID, multiServiceTrace, okTrace } from './multi-service-trace.js';
import { readCorpusSegment } from '../../helpers/corpus.js';

/** Statistics for hand-written expectations; `time` is the total response time in seconds. */
function stats(c: { ok?: number; throttle?: number; error?: number; fault?: number; time: number }): Statistics {
  const ok = c.ok ?? 0;
  const throttle = c.throttle ?? 0;
  const error = c.error ?? 0;
  const fault = c.fault ?? 0;
  return {
    OkCount: ok,
    ErrorStatistics: { ThrottleCount: throttle, OtherCount: error, TotalCount: throttle + error },
    FaultStatistics: { OtherCount: fault, TotalCount: fault },
    TotalCount: ok + throttle + error + fault,
    TotalResponseTime: c.time,
  };
}

const NONE = stats({ time: 0 });
const hist = (...pairs: [number, number][]): HistogramEntry[] => pairs.map(([Value, Count]) => ({ Value, Count }));

test('graph of the multi-service trace: every node, edge and statistic', () => {
  const graph = buildServiceGraph([multiServiceTrace()]);
  const expected: ServiceNode[] = [
    {
      ReferenceId: 0,
      Name: 'backend',
      Names: ['backend'],
      Root: false,
      Type: 'AWS::ECS::Container',
      State: 'active',
      StartTime: T + 0.02,
      EndTime: T + 0.2,
      Edges: [],
      SummaryStatistics: stats({ fault: 1, time: 0.18 }),
      DurationHistogram: hist([0.18, 1]),
      ResponseTimeHistogram: hist([0.18, 1]),
    },
    {
      ReferenceId: 1,
      Name: 'carts',
      Names: ['carts'],
      Root: false,
      Type: 'AWS::DynamoDB::Table',
      State: 'active',
      StartTime: T + 0.22,
      EndTime: T + 0.25,
      Edges: [],
      SummaryStatistics: stats({ throttle: 1, time: 0.03 }),
      DurationHistogram: hist([0.03, 1]),
      ResponseTimeHistogram: hist([0.03, 1]),
    },
    {
      ReferenceId: 2,
      Name: 'client',
      Names: ['client'],
      Root: false,
      Type: 'client',
      State: 'active',
      StartTime: T,
      EndTime: T + 0.5,
      Edges: [
        { ReferenceId: 3, StartTime: T, EndTime: T + 0.5, SummaryStatistics: stats({ fault: 1, time: 0.5 }), ResponseTimeHistogram: hist([0.5, 1]), Aliases: [] },
      ],
      SummaryStatistics: NONE,
      DurationHistogram: [],
      ResponseTimeHistogram: [],
    },
    {
      ReferenceId: 3,
      Name: 'front-end',
      Names: ['front-end'],
      Root: true,
      AccountId: '123456789012',
      Type: 'AWS::EC2::Instance',
      State: 'active',
      StartTime: T,
      EndTime: T + 0.5,
      Edges: [
        // backend reported its own segment: the edge goes to it, measured by the calling subsegment.
        { ReferenceId: 0, StartTime: T + 0.01, EndTime: T + 0.21, SummaryStatistics: stats({ fault: 1, time: 0.2 }), ResponseTimeHistogram: hist([0.2, 1]), Aliases: [] },
        { ReferenceId: 1, StartTime: T + 0.22, EndTime: T + 0.25, SummaryStatistics: stats({ throttle: 1, time: 0.03 }), ResponseTimeHistogram: hist([0.03, 1]), Aliases: [] },
        { ReferenceId: 4, StartTime: T + 0.26, EndTime: T + 0.29, SummaryStatistics: stats({ error: 1, time: 0.03 }), ResponseTimeHistogram: hist([0.03, 1]), Aliases: [] },
      ],
      SummaryStatistics: stats({ fault: 1, time: 0.5 }),
      DurationHistogram: hist([0.5, 1]),
      ResponseTimeHistogram: hist([0.5, 1]),
    },
    {
      ReferenceId: 4,
      Name: 'payments.example.com',
      Names: ['payments.example.com'],
      Root: false,
      Type: 'remote',
      State: 'active',
      StartTime: T + 0.26,
      EndTime: T + 0.29,
      Edges: [],
      SummaryStatistics: stats({ error: 1, time: 0.03 }),
      DurationHistogram: hist([0.03, 1]),
      ResponseTimeHistogram: hist([0.03, 1]),
    },
  ];
  assert.deepStrictEqual(graph, expected);
});

test('no inferred node for a remote call whose callee reported its own segment', () => {
  const names = buildServiceGraph([multiServiceTrace()]).map((n) => n.Name);
  assert.equal(names.includes('backend.example.com'), false);
});

test('statistics add up across traces and histograms count each duration bucket', () => {
  const graph = buildServiceGraph([multiServiceTrace(), okTrace()]);
  const frontEnd = graph.find((n) => n.Name === 'front-end')!;
  const client = graph.find((n) => n.Type === 'client')!;
  assert.deepStrictEqual(frontEnd.SummaryStatistics, stats({ ok: 1, fault: 1, time: 0.6 }));
  assert.deepStrictEqual(frontEnd.ResponseTimeHistogram, hist([0.1, 1], [0.5, 1]));
  assert.equal(frontEnd.StartTime, T);
  assert.equal(frontEnd.EndTime, T + 100.1);
  assert.deepStrictEqual(client.Edges.map((e) => [e.ReferenceId, e.SummaryStatistics]), [[frontEnd.ReferenceId, stats({ ok: 1, fault: 1, time: 0.6 })]]);
});

test('ReferenceIds do not depend on the order traces are given in', () => {
  const a = buildServiceGraph([multiServiceTrace(), okTrace()]);
  const b = buildServiceGraph([okTrace(), multiServiceTrace()]);
  assert.deepStrictEqual(b, a);
});

test('a window keeps only the segments overlapping it', () => {
  const later = buildServiceGraph([multiServiceTrace(), okTrace()], { startTime: T + 50, endTime: T + 200 });
  assert.deepStrictEqual(later.map((n) => [n.ReferenceId, n.Name]), [[0, 'client'], [1, 'front-end']]);
  assert.deepStrictEqual(later[1].SummaryStatistics, stats({ ok: 1, time: 0.1 }));
  assert.equal(later[1].StartTime, T + 100);

  assert.deepStrictEqual(buildServiceGraph([multiServiceTrace()], { startTime: T + 1000, endTime: T + 2000 }), []);
});

test('a window catching the caller but not the callee shows the callee without requests of its own', () => {
  // Only the front-end segment overlaps [T, T+0.015]: backend starts at T+0.02, the payments
  // subsegment document at T+0.26.
  const graph = buildServiceGraph([multiServiceTrace()], { startTime: T, endTime: T + 0.015 });
  assert.deepStrictEqual(graph.map((n) => n.Name), ['backend', 'carts', 'client', 'front-end']);
  const backend = graph[0];
  assert.deepStrictEqual(backend.SummaryStatistics, NONE);
  assert.equal(backend.StartTime, T + 0.01);
  assert.deepStrictEqual(graph[3].Edges.map((e) => e.ReferenceId), [0, 1]);
});

test('a segment whose parent is not in the trace (e.g. behind Lambda) is fed by the client', () => {
  const fn: SegmentDocument = {
    id: 'dd00000000000001',
    name: 'my-function',
    origin: 'AWS::Lambda::Function',
    trace_id: TRACE_ID,
    parent_id: '0123456789abcdef',
    start_time: T,
    end_time: T + 0.05,
  };
  const graph = buildServiceGraph([{ id: TRACE_ID, segments: [fn] }]);
  assert.deepStrictEqual(graph.map((n) => [n.Name, n.Root, n.Edges.map((e) => e.ReferenceId)]), [
    ['client', false, [1]],
    ['my-function', true, []],
  ]);
});

test('an in-progress segment is a node but not yet a counted request', () => {
  const graph = buildServiceGraph([{ id: TRACE_ID, segments: [{ id: 'ee00000000000001', name: 'slow', start_time: T, in_progress: true }] }]);
  const slow = graph.find((n) => n.Name === 'slow')!;
  assert.deepStrictEqual(slow.SummaryStatistics, NONE);
  assert.equal(slow.StartTime, T);
  assert.equal(slow.Root, true);
});

test('ddbSample (Go SDK capture): DDB fed by the client, calling two DynamoDB tables', () => {
  const doc = JSON.parse(readCorpusSegment('ddbSample.json')) as SegmentDocument;
  const graph = buildServiceGraph([{ id: String(doc.trace_id), segments: [doc] }]);
  assert.deepStrictEqual(
    graph.map((n) => ({ id: n.ReferenceId, name: n.Name, type: n.Type, root: n.Root, edges: n.Edges.map((e) => e.ReferenceId) })),
    [
      { id: 0, name: 'DDB', type: undefined, root: true, edges: [2, 3] },
      { id: 1, name: 'client', type: 'client', root: false, edges: [0] },
      { id: 2, name: 'does_not_exist', type: 'AWS::DynamoDB::Table', root: false, edges: [] },
      { id: 3, name: 'xray_sample_table', type: 'AWS::DynamoDB::Table', root: false, edges: [] },
    ],
  );
  const [ddb, client, missing, table] = graph;
  assert.deepStrictEqual(ddb.SummaryStatistics, stats({ fault: 1, time: 0.057 }));
  assert.deepStrictEqual(client.Edges[0].SummaryStatistics, stats({ fault: 1, time: 0.057 }));
  // DescribeTable succeeded in 51.87 ms; PutItem to the missing table faulted after 5.41 ms.
  assert.deepStrictEqual(ddb.Edges.map((e) => e.SummaryStatistics), [stats({ fault: 1, time: 0.005 }), stats({ ok: 1, time: 0.052 })]);
  assert.deepStrictEqual(missing.SummaryStatistics, stats({ fault: 1, time: 0.005 }));
  assert.deepStrictEqual(table.ResponseTimeHistogram, hist([0.052, 1]));
  assert.equal(table.StartTime, 1596566305.5355225);
  assert.equal(table.EndTime, 1596566305.5873947);
});
