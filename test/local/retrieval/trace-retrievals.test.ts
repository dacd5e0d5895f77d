import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TraceRetrievals } from '../../../src/local/retrieval/trace-retrievals.js';
import { TraceStore } from '../../../src/local/store/trace-store.js';
import { XrayApiError } from '../../../src/local/api/xray-api-error.js';
import { input, segment, traceId } from '../segment-fixtures.js';

function notFound(fn: () => unknown): XrayApiError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof XrayApiError);
    assert.equal(err.type, 'ResourceNotFoundException');
    assert.equal(err.status, 404);
    return err;
  }
  assert.fail('expected ResourceNotFoundException');
}

describe('trace retrievals', () => {
  it('complete at once over the stored traces overlapping the range; expire after the TTL', () => {
    let now = 1_700_000_000_000;
    const store = new TraceStore({ maxSegments: 100, maxBytes: 1e8 });
    const inside = traceId(1_700_000_000);
    const outside = traceId(1_600_000_000);
    store.putMany([input(segment({ trace_id: inside, start_time: 1_700_000_000 })), input(segment({ trace_id: outside, start_time: 1_600_000_000 }))]);
    const r = new TraceRetrievals(store, { ttlMs: 60_000, now: () => now });
    const token = r.start([inside, outside, traceId(1_700_000_001)], 1_699_999_000, 1_700_001_000);
    const got = r.traces(token);
    assert.equal(got.status, 'COMPLETE');
    assert.deepEqual(got.traces.map((t) => t.id), [inside]);
    now += 60_001;
    const err = notFound(() => r.traces(token));
    assert.match(err.message, /expired/);
    assert.deepEqual(err.fields, { ResourceName: token });
    notFound(() => r.cancel(token));
  });

  it('keeps at most maxRetrievals tokens: the oldest is forgotten first', () => {
    const store = new TraceStore({ maxSegments: 100, maxBytes: 1e8 });
    const r = new TraceRetrievals(store, { maxRetrievals: 2 });
    const a = r.start([], 0, 1);
    const b = r.start([], 0, 1);
    const c = r.start([], 0, 1);
    notFound(() => r.traces(a));
    assert.equal(r.traces(b).status, 'COMPLETE');
    r.cancel(c);
    assert.equal(r.traces(c).status, 'CANCELLED');
  });
});
