import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Groups } from '../../../src/local/groups/groups.js';
import { InsightDetector } from '../../../src/local/insights/insight-detector.js';
import { Insights } from '../../../src/local/insights/insights.js';
import { StateStore } from '../../../src/local/state/state-store.js';
import { TraceStore } from '../../../src/local/store/trace-store.js';
import { MinuteRollups } from '../../../src/local/timeseries/minute-rollups.js';
import { silentLogger } from '../../../src/log/logger.js';
import { input, newId, segment, traceId } from '../segment-fixtures.js';

const T0 = 1_700_000_000;

function setup() {
  const state = new StateStore();
  const store = new TraceStore({ maxSegments: 10_000, maxBytes: 1e9 });
  const rollups = new MinuteRollups();
  store.addObserver(rollups);
  const groups = new Groups(state, 'arn:aws:xray:local:000000000000');
  groups.update(groups.resolve('Default', undefined), undefined, { InsightsEnabled: true });
  const insights = new Insights(state);
  let now = T0 * 1000;
  const detector = new InsightDetector(store, groups, insights, silentLogger, { intervalMs: 0, rollups, now: () => now });
  return { store, insights, detector, advance: (s: number) => (now += s * 1000), nowS: () => now / 1000 };
}

/** web -> db; both fault when `fault`, the fault starting in db. */
function request(store: TraceStore, endS: number, fault: boolean): void {
  const tid = traceId(endS);
  const call = newId();
  const flags = fault ? { fault: true } : {};
  store.putMany([
    input(segment({ trace_id: tid, name: 'web', start_time: endS - 0.05, end_time: endS, ...flags, subsegments: [{ id: call, name: 'db', namespace: 'remote', start_time: endS - 0.04, end_time: endS, ...flags }] })),
    input(segment({ trace_id: tid, name: 'db', parent_id: call, start_time: endS - 0.04, end_time: endS, ...flags })),
  ]);
}

describe('insight detector (injected clock, ticks driven by the test)', () => {
  it('opens on a fault burst naming the deepest faulting service, updates while it lasts, closes on recovery', () => {
    const { store, insights, detector, advance, nowS } = setup();
    detector.tick();
    assert.deepEqual(insights.list(), [], 'nothing to see');
    for (let i = 0; i < 9; i++) request(store, nowS() - 1, true);
    detector.tick();
    assert.deepEqual(insights.list(), [], '9 faults are below the threshold');
    request(store, nowS() - 1, true);
    detector.tick();
    const [open] = insights.list();
    assert.equal(open.State, 'ACTIVE');
    assert.equal(open.RootCauseServiceId.Name, 'db');
    assert.deepEqual(open.ClientRequestImpactStatistics, { FaultCount: 10, OkCount: 0, TotalCount: 10 });
    assert.deepEqual(open.TopAnomalousServices.map((s) => s.ServiceId.Name).sort(), ['db', 'web']);
    advance(5);
    detector.tick();
    assert.equal(insights.list()[0].Events.length, 2, 'one event per tick while active');
    // The burst leaves the 60 s window: the rollups rule out an anomaly and the insight closes.
    advance(130);
    detector.tick();
    const closed = insights.get(open.InsightId)!;
    assert.equal(closed.State, 'CLOSED');
    assert.equal(closed.EndTime, nowS());
  });

  it('healthy traffic that brings the fault rate under 50% closes it too', () => {
    const { store, insights, detector, nowS } = setup();
    for (let i = 0; i < 12; i++) request(store, nowS() - 2, true);
    detector.tick();
    assert.equal(insights.list()[0].State, 'ACTIVE');
    for (let i = 0; i < 13; i++) request(store, nowS() - 1, false);
    detector.tick();
    assert.equal(insights.list()[0].State, 'CLOSED');
    assert.match(insights.list()[0].Events.at(-1)!.Summary, /recovered/);
  });
});
