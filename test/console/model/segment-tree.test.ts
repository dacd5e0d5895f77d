import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfall, withoutChildren } from '../../../src/console/model/segment-tree.js';
import type { Trace } from '../../../src/console/model/xray-types.js';
import { readCorpusSegment } from '../../helpers/corpus.js';

const TRACE_ID = '1-5f29ab21-d4ebf299219a65bd5c31d6da';

function trace(...docs: (Record<string, unknown> | string)[]): Trace {
  return {
    Id: TRACE_ID,
    Segments: docs.map((d, i) => ({ Id: `s${i}`, Document: typeof d === 'string' ? d : JSON.stringify(d) })),
  };
}

describe('buildWaterfall', () => {
  it('reads one call tree across services: downstream segments and independent subsegments under their callers', () => {
    const frontend = {
      id: 'aaaaaaaaaaaaaaa1', name: 'web', trace_id: TRACE_ID, start_time: 100, end_time: 101,
      subsegments: [
        { id: 'bbbbbbbbbbbbbbb1', name: 'api call', namespace: 'remote', start_time: 100.1, end_time: 100.9 },
        { id: 'bbbbbbbbbbbbbbb0', name: 'auth', start_time: 100.05, end_time: 100.08 },
      ],
    };
    const api = { id: 'ccccccccccccccc1', name: 'api', trace_id: TRACE_ID, parent_id: 'bbbbbbbbbbbbbbb1', start_time: 100.2, end_time: 100.8 };
    const streamed = { id: 'ddddddddddddddd1', name: 'query', type: 'subsegment', trace_id: TRACE_ID, parent_id: 'ccccccccccccccc1', start_time: 100.3, end_time: 100.4 };
    // Arrival order is not call order: the callee's documents come first.
    const w = buildWaterfall(trace(streamed, api, frontend));
    assert.deepEqual(
      w.rows.map((r) => [r.name, r.depth, r.isSegment]),
      [
        ['web', 0, true],
        ['auth', 1, false],
        ['api call', 1, false],
        ['api', 2, true],
        ['query', 3, false],
      ],
    );
    assert.equal(w.start, 100);
    assert.equal(w.end, 101);
    assert.equal(w.unreadable, 0);
    assert.deepEqual(w.rows.map((r) => r.hasChildren), [true, false, true, true, false]);
  });

  it('reads exceptions, and resolves a cause given as another exception id', () => {
    const doc = {
      id: 'aaaaaaaaaaaaaaa1', name: 'svc', trace_id: TRACE_ID, start_time: 1, end_time: 2, fault: true,
      cause: 'e0e0e0e0e0e0e0e0',
      subsegments: [
        {
          id: 'bbbbbbbbbbbbbbb1', name: 'db', start_time: 1.1, end_time: 1.5, fault: true,
          cause: { exceptions: [{ id: 'e0e0e0e0e0e0e0e0', type: 'Boom', message: 'it broke', remote: true, stack: [{ path: 'a.ts', line: 3, label: 'f' }, 'junk'] }] },
        },
      ],
    };
    const [root, db] = buildWaterfall(trace(doc)).rows;
    assert.equal(db.health, 'fault');
    assert.deepEqual(db.exceptions, [
      { id: 'e0e0e0e0e0e0e0e0', type: 'Boom', message: 'it broke', remote: true, truncated: undefined, skipped: undefined, cause: undefined, stack: [{ path: 'a.ts', line: 3, label: 'f' }] },
    ]);
    assert.equal(root.causeRef, 'e0e0e0e0e0e0e0e0');
    assert.equal(root.exceptions[0]?.message, 'it broke');
  });

  it('ranks fault over throttle over error', () => {
    const rows = buildWaterfall(
      trace(
        { id: 'a1', name: 'f', start_time: 1, end_time: 2, fault: true, error: true },
        { id: 'a2', name: 't', start_time: 1, end_time: 2, error: true, throttle: true },
        { id: 'a3', name: 'e', start_time: 1, end_time: 2, error: true },
        { id: 'a4', name: 'o', start_time: 1, end_time: 2 },
      ),
    ).rows;
    assert.deepEqual(rows.map((r) => [r.name, r.health]), [['f', 'fault'], ['t', 'throttle'], ['e', 'error'], ['o', 'ok']]);
  });

  it('survives bad documents: unreadable JSON, parent cycles, missing times, in-progress segments', () => {
    const w = buildWaterfall(
      trace(
        'not json',
        '[1,2]',
        { id: 'x1', name: 'loop-a', parent_id: 'x2', start_time: 5, end_time: 6 },
        { id: 'x2', name: 'loop-b', parent_id: 'x1', start_time: 5.5, end_time: 6 },
        { id: 'x3', name: 'running', start_time: 7, in_progress: true },
        { id: 'x4', start_time: 'soon', subsegments: [null, 3, { id: 'x5', name: 'child' }] },
      ),
    );
    assert.equal(w.unreadable, 2);
    assert.deepEqual(w.rows.map((r) => r.name).sort(), ['(unnamed)', 'child', 'loop-a', 'loop-b', 'running']);
    const running = w.rows.find((r) => r.name === 'running');
    assert.equal(running?.end, undefined);
    assert.equal(w.start, 5);
    assert.equal(w.end, 7);
    for (const row of w.rows) assert.ok(Number.isFinite(row.start), row.name);
  });

  it('handles nesting far deeper than the call stack would', () => {
    // Built as text: JSON.stringify itself would overflow on it, JSON.parse does not.
    const levels = 5000;
    const open = '{"id":"n","name":"n","start_time":1,"end_time":2,"subsegments":['.repeat(levels);
    const w = buildWaterfall(trace(`${open}{"id":"leaf","name":"leaf","start_time":1,"end_time":2}${']}'.repeat(levels)}`));
    assert.ok(w.rows.length > 100);
    assert.ok(w.rows.length <= 5001);
  });

  it('reads the Go SDK sample from the corpus', () => {
    const text = readCorpusSegment('ddbSample.json');
    const w = buildWaterfall({ Id: TRACE_ID, Segments: [{ Id: 'x', Document: text }] });
    assert.equal(w.rows[0]?.name, 'DDB');
    assert.equal(w.rows.length, 18);
    assert.ok(w.rows.some((r) => r.exceptions.some((e) => e.message === 'ResourceNotFoundException: Requested resource not found')));
    assert.equal(withoutChildren(w.rows[0]!.doc).subsegments, undefined);
  });
});
