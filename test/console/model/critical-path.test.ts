import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfall } from '../../../src/console/model/segment-tree.js';
import { criticalPath } from '../../../src/console/model/critical-path.js';
import type { Trace } from '../../../src/console/model/xray-types.js';

const TRACE_ID = '1-5f29ab21-d4ebf299219a65bd5c31d6da';
let n = 0;
const sub = (name: string, start: number, end: number | undefined, subsegments: object[] = []) => ({
  id: (++n).toString(16).padStart(16, '0'),
  name,
  start_time: 1000 + start,
  ...(end === undefined ? { in_progress: true } : { end_time: 1000 + end }),
  subsegments,
});
const trace = (...docs: object[]): Trace => ({ Id: TRACE_ID, Segments: docs.map((d, i) => ({ Id: `s${i}`, Document: JSON.stringify(d) })) });
const named = (t: Trace) => {
  const w = buildWaterfall(t);
  const path = criticalPath(w);
  const nameOf = new Map(w.rows.map((r) => [r.key, r.name]));
  return {
    names: w.rows.filter((r) => path.keys.has(r.key)).map((r) => r.name),
    sections: path.sections.map((s) => [nameOf.get(s.key), +(s.start - 1000).toFixed(3), +(s.end - 1000).toFixed(3)]),
  };
};

describe('criticalPath', () => {
  it('follows sequential calls, takes the longer of parallel ones, and clips asynchronous work at the parent end', () => {
    const root = {
      ...sub('A', 0, 10, [
        sub('B', 1, 4),
        sub('C', 5, 9, [sub('D', 5, 6), sub('E', 5, 8.5)]),
        sub('F async', 9.5, 12),
      ]),
      trace_id: TRACE_ID,
    };
    const { names, sections } = named(trace(root));
    assert.deepEqual(names, ['A', 'B', 'C', 'E', 'F async']); // D ran beside the longer E
    assert.deepEqual(sections, [
      ['A', 0, 1],
      ['B', 1, 4],
      ['A', 4, 5],
      ['E', 5, 8.5],
      ['C', 8.5, 9],
      ['A', 9, 9.5],
      ['F async', 9.5, 10],
    ]);
  });

  it('covers the root from start to end without gaps or overlaps', () => {
    const root = { ...sub('root', 0, 3, [sub('x', 0.5, 1), sub('y', 0.8, 2.5, [sub('z', 1, 2)]), sub('w', 2.5, 2.9)]), trace_id: TRACE_ID };
    const { sections } = named(trace(root));
    let cursor = 0;
    for (const [, start, end] of sections) {
      assert.equal(start, cursor);
      assert.ok((end as number) > (start as number));
      cursor = end as number;
    }
    assert.equal(cursor, 3);
  });

  it('crosses services: the downstream segment under the calling subsegment is on the path, after the call before it', () => {
    const call = sub('call api', 1, 5);
    const web = { ...sub('web', 0, 6, [sub('auth', 0.2, 0.6), call]), trace_id: TRACE_ID };
    const api = { ...sub('api', 1.5, 4.5, [sub('query', 2, 4)]), trace_id: TRACE_ID, parent_id: call.id };
    assert.deepEqual(named(trace(api, web)).names, ['web', 'auth', 'call api', 'api', 'query']);
  });

  it('an in-progress child lasts until the end of the trace; an empty trace has no path', () => {
    const root = { ...sub('root', 0, 2, [sub('pending', 1, undefined)]), trace_id: TRACE_ID };
    assert.deepEqual(named(trace(root)).sections, [
      ['root', 0, 1],
      ['pending', 1, 2],
    ]);
    assert.deepEqual(criticalPath(buildWaterfall(trace())).sections, []);
  });

  it('walks a 10,000-deep chain without overflowing the stack', () => {
    const docs: object[] = [];
    let parent: string | undefined;
    for (let i = 0; i < 10_000; i++) {
      const d = { ...sub(`s${i}`, i / 10_000, 2 - i / 10_000), trace_id: TRACE_ID, ...(parent ? { parent_id: parent } : {}) };
      parent = (d as { id: string }).id;
      docs.push(d);
    }
    assert.equal(criticalPath(buildWaterfall(trace(...docs))).keys.size, 10_000);
  });
});
