import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { layoutServiceMap } from '../../../src/console/model/map-layout.js';
import type { Service, SummaryStatistics } from '../../../src/console/model/xray-types.js';

const stats = (ok: number, error: number, fault: number, seconds: number): SummaryStatistics => ({
  OkCount: ok,
  ErrorStatistics: { TotalCount: error, ThrottleCount: 0, OtherCount: error },
  FaultStatistics: { TotalCount: fault, OtherCount: fault },
  TotalCount: ok + error + fault,
  TotalResponseTime: seconds,
});

const GRAPH: Service[] = [
  { ReferenceId: 0, Name: 'client', Type: 'client', Edges: [{ ReferenceId: 1, SummaryStatistics: stats(3, 0, 1, 0.4) }] },
  { ReferenceId: 1, Name: 'web', Type: 'AWS::ECS::Container', Root: true, SummaryStatistics: stats(3, 0, 1, 0.4), Edges: [{ ReferenceId: 2, SummaryStatistics: stats(2, 1, 1, 0.2) }] },
  {
    ReferenceId: 2,
    Name: 'api',
    Type: 'AWS::EC2::Instance',
    SummaryStatistics: stats(2, 1, 1, 0.2),
    // A self edge and an edge to a node that is not in the answer: both ignored, not fatal.
    Edges: [{ ReferenceId: 2 }, { ReferenceId: 99 }, { ReferenceId: 3, SummaryStatistics: stats(4, 0, 0, 0.08) }],
  },
  { ReferenceId: 3, Name: 'orders', Type: 'AWS::DynamoDB::Table', SummaryStatistics: stats(4, 0, 0, 0.08) },
];

describe('layoutServiceMap', () => {
  it('places callers left of callees and labels edges with count and average latency', () => {
    const map = layoutServiceMap(GRAPH);
    const x = Object.fromEntries(map.nodes.map((n) => [n.service.Name, n.x]));
    assert.ok(x.client! < x.web! && x.web! < x.api! && x.api! < x.orders!, JSON.stringify(x));
    assert.deepEqual(
      map.edges.map((e) => [e.from.service.Name, e.to.service.Name, e.label]),
      [
        ['client', 'web', '4 req · 100 ms'],
        ['web', 'api', '4 req · 50 ms'],
        ['api', 'orders', '4 req · 20 ms'],
      ],
    );
    for (const n of map.nodes) {
      assert.ok(n.x > 0 && n.x < map.width && n.y > 0 && n.y < map.height, `${n.service.Name} inside the drawing`);
    }
  });

  it('starts and ends every edge on the circles of its nodes', () => {
    const map = layoutServiceMap(GRAPH);
    for (const e of map.edges) {
      const first = e.points[0]!;
      const last = e.points[e.points.length - 1]!;
      assert.ok(Math.abs(Math.hypot(first.x - e.from.x, first.y - e.from.y) - 32) < 0.01);
      assert.ok(Math.abs(Math.hypot(last.x - e.to.x, last.y - e.to.y) - 36) < 0.01);
    }
  });

  it('counts health per node: fault, errors and throttles apart', () => {
    const api = layoutServiceMap(GRAPH).nodes.find((n) => n.service.Name === 'api');
    assert.deepEqual(api?.stats, { total: 4, ok: 2, error: 1, throttle: 0, fault: 1, average: 0.05 });
  });

  it('lays out an empty answer and nodes without ids', () => {
    assert.deepEqual(layoutServiceMap([]).nodes, []);
    const map = layoutServiceMap([{ Name: 'a' }, { Name: 'b' }]);
    assert.equal(map.nodes.length, 2);
    assert.notEqual(map.nodes[0]!.key, map.nodes[1]!.key);
  });
});
