import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TraceStore } from '../../../src/local/store/trace-store.js';
import { input, newId, segment, traceId } from '../segment-fixtures.js';

const big = { maxSegments: 1_000_000, maxBytes: 1e9 };

describe('TraceStore', () => {
  it('replaces an in-progress segment by its completed version, and not the other way round', () => {
    const store = new TraceStore(big);
    const tid = traceId(1_700_000_000);
    const id = newId();
    store.put(segment({ trace_id: tid, id, in_progress: true, start_time: 1_700_000_000 }), '{}');
    const done = segment({ trace_id: tid, id, start_time: 1_700_000_000, end_time: 1_700_000_002 });
    store.put(done, JSON.stringify(done));
    store.put(segment({ trace_id: tid, id, in_progress: true, start_time: 1_700_000_000 }), '{}');
    const view = store.get(tid);
    assert.equal(view?.segments.length, 1);
    assert.equal(view?.segments[0].end_time, 1_700_000_002);
    assert.equal(view?.segments[0].in_progress, undefined);
    assert.equal(store.stats().segments, 1);
    assert.equal(store.stats().bytes, JSON.stringify(done).length);
  });

  it('joins independent subsegments to their trace, in arrival order', () => {
    const store = new TraceStore(big);
    const tid = traceId(1_700_000_000);
    const root = segment({ trace_id: tid, name: 'front' });
    const sub = segment({ trace_id: tid, name: 'DynamoDB', type: 'subsegment', parent_id: root.id });
    store.putMany([input(sub), input(root)]);
    assert.deepEqual(store.get(tid)?.segments.map((s) => s.name), ['DynamoDB', 'front']);
    // A subsegment's name is not a service of the trace.
    assert.deepEqual([...store.traceIdsForService('front')], [tid]);
    assert.equal(store.traceIdsForService('DynamoDB').size, 0);
  });

  it('evicts whole oldest traces past the segment limit and counts them', () => {
    const store = new TraceStore({ maxSegments: 4, maxBytes: 1e9 });
    const ids = [1, 2, 3].map((n) => traceId(1_700_000_000 + n));
    for (const tid of ids) store.putMany([input(segment({ trace_id: tid })), input(segment({ trace_id: tid }))]);
    assert.equal(store.has(ids[0]), false);
    assert.equal(store.has(ids[1]), true);
    assert.equal(store.has(ids[2]), true);
    const { traces, segments, evictedTraces, evictedSegments } = store.stats();
    assert.deepEqual({ traces, segments, evictedTraces, evictedSegments }, { traces: 2, segments: 4, evictedTraces: 1, evictedSegments: 2 });
  });

  it('evicts past the memory limit, oldest first, even a trace that alone is too big', () => {
    const doc = (tid: string) => segment({ trace_id: tid, metadata: { m: { pad: 'x'.repeat(400) } } });
    const size = JSON.stringify(doc(traceId(1))).length;
    // The estimate per document: 1.5x its JSON text plus 500 bytes. Room for two such documents:
    const limit = 2 * (size * 1.5 + 500) + 10;
    const store = new TraceStore({ maxSegments: 100, maxBytes: limit });
    const a = traceId(1_700_000_001), b = traceId(1_700_000_002), c = traceId(1_700_000_003);
    store.putMany([input(doc(a))]);
    store.putMany([input(doc(b))]);
    store.putMany([input(doc(c))]);
    assert.deepEqual([store.has(a), store.has(b), store.has(c)], [false, true, true]);
    assert.ok(store.stats().estimatedMemoryBytes <= limit);
    assert.equal(store.stats().bytes, 2 * size);
    const huge = segment({ trace_id: traceId(1_700_000_004), metadata: { m: { pad: 'x'.repeat(size * 3) } } });
    store.putMany([input(huge)]);
    assert.equal(store.stats().traces, 0);
    assert.equal(store.stats().evictedTraces, 4);
  });

  it('accepts documents of any age', () => {
    const store = new TraceStore(big);
    const old = traceId(100);
    store.put(segment({ trace_id: old, start_time: 100 }), '{}');
    assert.ok(store.get(old));
  });

  it('finds traces by trace-id time, newest first, and resumes after a cursor', () => {
    const store = new TraceStore(big);
    const ids = [10, 20, 30, 40].map((t) => traceId(1_700_000_000 + t));
    for (const tid of ids) store.put(segment({ trace_id: tid, start_time: 5 }), '{}');
    const found = [...store.range({ startTime: 1_700_000_015, endTime: 1_700_000_040, by: 'TraceId' })];
    assert.deepEqual(found.map((f) => f.trace.id), [ids[3], ids[2], ids[1]]);
    const rest = [...store.range({ startTime: 1_700_000_000, endTime: 1_700_000_100, by: 'TraceId', before: { time: found[1].time, id: found[1].trace.id } })];
    assert.deepEqual(rest.map((f) => f.trace.id), [ids[1], ids[0]]);
  });

  it('finds traces by event time: a trace overlapping the window matches', () => {
    const store = new TraceStore(big);
    const t0 = 1_700_000_000;
    const longOne = traceId(t0, 1), inside = traceId(t0, 2), after = traceId(t0, 3), before = traceId(t0, 4);
    store.put(segment({ trace_id: longOne, start_time: t0, end_time: t0 + 100 }), '{}');
    store.put(segment({ trace_id: inside, start_time: t0 + 60, end_time: t0 + 61 }), '{}');
    store.put(segment({ trace_id: after, start_time: t0 + 200, end_time: t0 + 201 }), '{}');
    store.put(segment({ trace_id: before, start_time: t0 - 50, end_time: t0 - 40 }), '{}');
    const found = [...store.range({ startTime: t0 + 50, endTime: t0 + 70, by: 'Event' })].map((f) => f.trace.id);
    assert.deepEqual(found, [inside, longOne]);
  });

  it('moves a trace in the event index when an earlier segment arrives', () => {
    const store = new TraceStore(big);
    const tid = traceId(1_700_000_000);
    store.put(segment({ trace_id: tid, start_time: 1000, end_time: 1001 }), '{}');
    store.put(segment({ trace_id: tid, start_time: 500, end_time: 501 }), '{}');
    assert.equal([...store.range({ startTime: 400, endTime: 600, by: 'Event' })].length, 1);
    assert.deepEqual(store.bounds(tid), { startTime: 500, endTime: 1001, epoch: 1_700_000_000 });
  });

  it('indexes service names and forgets them on eviction', () => {
    const store = new TraceStore({ maxSegments: 2, maxBytes: 1e9 });
    const a = traceId(1), b = traceId(2);
    store.put(segment({ trace_id: a, name: 'checkout' }), '{}');
    store.put(segment({ trace_id: b, name: 'checkout' }), '{}');
    store.put(segment({ trace_id: b, name: 'payments' }), '{}');
    assert.deepEqual([...store.traceIdsForService('checkout')], [b]);
    assert.deepEqual(store.serviceNames().sort(), ['checkout', 'payments']);
  });

  it('finds a days-long trace by event time without widening every walk, newest first', () => {
    const store = new TraceStore(big);
    const t0 = 1_700_000_000;
    const long = traceId(t0, 10), early = traceId(t0, 11), inWindow = traceId(t0, 12), later = traceId(t0, 13);
    store.put(segment({ trace_id: long, start_time: t0 - 2 * 86400, end_time: t0 + 86400 }), '{}');
    store.put(segment({ trace_id: early, start_time: t0 - 5000, end_time: t0 - 4999 }), '{}');
    store.put(segment({ trace_id: inWindow, start_time: t0 + 10, end_time: t0 + 11 }), '{}');
    store.put(segment({ trace_id: later, start_time: t0 + 500, end_time: t0 + 501 }), '{}');
    const all = [...store.range({ startTime: t0, endTime: t0 + 100, by: 'Event' })];
    assert.deepEqual(all.map((f) => f.trace.id), [inWindow, long]);
    const resumed = [...store.range({ startTime: t0, endTime: t0 + 100, by: 'Event', before: { time: all[0].time, id: inWindow } })];
    assert.deepEqual(resumed.map((f) => f.trace.id), [long]);
    assert.deepEqual([...store.range({ startTime: t0, endTime: t0 + 100, by: 'Event', before: { time: all[1].time, id: long } })], []);
  });
});

describe('TraceStore observers', () => {
  it('see each touched trace once per batch, with its view before and after, and evictions', () => {
    const store = new TraceStore({ maxSegments: 3, maxBytes: 1e9 });
    const seen: [string | undefined, number | undefined, number | undefined][] = [];
    store.addObserver({ traceChanged: (b, a) => void seen.push([(b ?? a)?.id, b?.segments.length, a?.segments.length]) });
    const t1 = traceId(1_700_000_000);
    const t2 = traceId(1_700_000_001);
    store.putMany([input(segment({ trace_id: t1 })), input(segment({ trace_id: t1 }))]);
    store.putMany([input(segment({ trace_id: t2 })), input(segment({ trace_id: t2 }))]);
    assert.deepEqual(seen, [[t1, undefined, 2], [t1, 2, undefined], [t2, undefined, 2]]);
  });

  it('a failing observer does not fail the batch: the documents are stored and the failure counted', () => {
    const store = new TraceStore(big);
    store.addObserver({ traceChanged: () => { throw new Error('boom'); } });
    store.putMany([input(segment({ trace_id: traceId(1_700_000_000) }))]);
    assert.equal(store.stats().segments, 1);
    assert.equal(store.stats().observerFailures, 1);
  });
});
