import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TraceStore } from '../../../src/local/store/trace-store.js';
import { MinuteRollups } from '../../../src/local/timeseries/minute-rollups.js';
import { parseSelector, timeSeriesJson } from '../../../src/local/timeseries/time-series-query.js';
import type { Scope } from '../../../src/local/timeseries/minute-rollups.js';

const timeSeries = (scope: Scope | undefined, q: Parameters<typeof timeSeriesJson>[1]): Record<string, any>[] => JSON.parse(timeSeriesJson(scope, q));
import { compileFilter } from '../../../src/local/filter/index.js';
import { input, segment, traceId } from '../segment-fixtures.js';

const T0 = 1_700_000_080; // 40 s into a minute

function setup(maxSegments = 1000) {
  const store = new TraceStore({ maxSegments, maxBytes: 64 * 1024 * 1024 });
  const rollups = new MinuteRollups();
  store.addObserver(rollups);
  return { store, rollups };
}

const q = (sel?: string, forecast = false) => ({ startTime: T0 - 3600, endTime: T0 + 3600, periodS: 60, selector: parseSelector(sel), forecast });

describe('per-minute rollups', () => {
  it('count each request once, in the minute it ended, with its outcome and response time', () => {
    const { store, rollups } = setup();
    store.putMany([
      input(segment({ trace_id: traceId(T0), name: 'api', start_time: T0, end_time: T0 + 0.25 })),
      input(segment({ trace_id: traceId(T0), name: 'api', start_time: T0, end_time: T0 + 0.5, fault: true })),
      input(segment({ trace_id: traceId(T0), name: 'api', start_time: T0 + 19, end_time: T0 + 21, error: true, throttle: true })),
    ]);
    const out = timeSeries(rollups.scope(undefined), q('service("api")')) as Record<string, any>[];
    assert.deepEqual(out.map((e) => [e.Timestamp, e.ServiceSummaryStatistics.TotalCount]), [[T0 - 40, 2], [T0 + 20, 1]]);
    assert.deepEqual(out[0].ServiceSummaryStatistics.FaultStatistics, { OtherCount: 1, TotalCount: 1 });
    assert.equal(out[0].ServiceSummaryStatistics.TotalResponseTime, 0.75);
    assert.deepEqual(out[1].ServiceSummaryStatistics.ErrorStatistics, { ThrottleCount: 1, OtherCount: 0, TotalCount: 1 });
  });

  it('a completed segment replaces its in-progress version without double counting; eviction takes traces back out', () => {
    const { store, rollups } = setup(2);
    const tid = traceId(T0);
    const open = segment({ trace_id: tid, name: 'api', start_time: T0, in_progress: true });
    delete open.end_time;
    store.putMany([input(open)]);
    assert.deepEqual(timeSeries(rollups.scope(undefined), q('service("api")')), []);
    store.putMany([input({ ...open, in_progress: undefined, end_time: T0 + 1 })]);
    const total = () => (timeSeries(rollups.scope(undefined), q('service("api")')) as Record<string, any>[]).reduce((n, e) => n + e.ServiceSummaryStatistics.TotalCount, 0);
    assert.equal(total(), 1);
    store.putMany([input(segment({ trace_id: traceId(T0 + 1), name: 'other', start_time: T0 })), input(segment({ trace_id: traceId(T0 + 2), name: 'other', start_time: T0 }))]);
    assert.equal(total(), 0, 'the evicted trace no longer counts');
  });

  it('a group scope holds what its filter matches, including traces stored before the group', () => {
    const { store, rollups } = setup();
    store.putMany([input(segment({ trace_id: traceId(T0), name: 'a', start_time: T0, annotations: { team: 'x' } }))]);
    const matches = compileFilter('annotation.team = "x"');
    rollups.setGroup('g', matches, store.views());
    store.putMany([input(segment({ trace_id: traceId(T0), name: 'b', start_time: T0, annotations: { team: 'y' } }))]);
    store.putMany([input(segment({ trace_id: traceId(T0), name: 'a', start_time: T0 + 1, annotations: { team: 'x' } }))]);
    const entries = timeSeries(rollups.scope('g'), q()) as Record<string, any>[];
    assert.equal(entries[0].EdgeSummaryStatistics.TotalCount, 2);
    assert.equal((timeSeries(rollups.scope(undefined), q()) as Record<string, any>[])[0].EdgeSummaryStatistics.TotalCount, 3);
  });

  it('forecast: mean +- 2 standard deviations of the previous 10 periods of faults', () => {
    const { store, rollups } = setup();
    for (let m = 0; m < 10; m++) {
      for (let k = 0; k < (m % 2 === 0 ? 2 : 4); k++) {
        store.putMany([input(segment({ trace_id: traceId(T0), name: 'api', start_time: T0 + m * 60, end_time: T0 + m * 60 + 0.1, fault: true }))]);
      }
    }
    store.putMany([input(segment({ trace_id: traceId(T0), name: 'api', start_time: T0 + 600, end_time: T0 + 600.1 }))]);
    const out = timeSeries(rollups.scope(undefined), q('service("api")', true)) as Record<string, any>[];
    // history 2,4,2,4...: mean 3, sd 1 -> [1, 5]
    assert.deepEqual(out.at(-1)!.ServiceForecastStatistics, { FaultCountHigh: 5, FaultCountLow: 1 });
  });
});

describe('rollup cost bound', () => {
  it('a trace counts with its first 500 documents only', () => {
    const { store, rollups } = setup(10_000);
    const tid = traceId(T0);
    for (let i = 0; i < 600; i += 50) {
      store.putMany(Array.from({ length: 50 }, () => input(segment({ trace_id: tid, name: 'big', start_time: T0 }))));
    }
    const out = timeSeries(rollups.scope(undefined), q('service("big")')) as Record<string, any>[];
    assert.equal(out[0].ServiceSummaryStatistics.TotalCount, 500);
  });
});

describe('trace contributions', () => {
  it('a lone segment (fast path) contributes exactly what the general walk finds', async () => {
    const { traceContributions } = await import('../../../src/local/timeseries/trace-contributions.js');
    for (const extra of [{}, { fault: true }, { error: true, throttle: true }, { parent_id: 'abcdef0123456789', origin: 'AWS::EC2::Instance' }]) {
      const doc = segment({ trace_id: traceId(T0), name: 'lone', start_time: T0, end_time: T0 + 0.123, ...extra });
      const fast = traceContributions({ id: doc.trace_id!, segments: [doc] });
      // A local (non-call) subsegment changes nothing, but takes the general walk.
      const general = traceContributions({ id: doc.trace_id!, segments: [{ ...doc, subsegments: [{ id: '0000000000000abc', name: 'work', start_time: T0, end_time: T0 + 0.1 }] }] });
      const shape = (list: typeof fast) => list.map((c) => [c.key, c.edge, c.entry, c.minute, c.outcome, c.ms]);
      assert.deepEqual(shape(fast), shape(general));
      assert.equal(fast.length, 2);
    }
  });
});
