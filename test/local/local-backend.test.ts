import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalBackend } from '../../src/local/local-backend.js';
import { silentLogger } from '../../src/log/logger.js';
import { segment, traceId } from './segment-fixtures.js';

describe('createLocalBackend', () => {
  it('delivers sink batches to the store and reports live store numbers', async () => {
    const backend = await createLocalBackend({ storePath: undefined, storeMaxSegments: 1, storeMaxMB: 1 }, silentLogger);
    const docs = [segment({ trace_id: traceId(1) }), segment({ trace_id: traceId(2) })].map((d) => JSON.stringify(d));
    assert.deepEqual(await backend.sink.send(docs), { status: 'success', unprocessed: [] });
    const store = backend.describe.store as { segments: number; evictedTraces: number };
    assert.equal(store.segments, 1);
    assert.equal(store.evictedTraces, 1);
    await backend.close();
    await backend.close();
  });

  it("keeps the daemon's own telemetry records, and refuses a body that is not a request", async () => {
    const backend = await createLocalBackend({ storePath: undefined, storeMaxSegments: 10, storeMaxMB: 1 }, silentLogger);
    const body = JSON.stringify({ TelemetryRecords: [{ Timestamp: 1_700_000_000, SegmentsReceivedCount: 4 }], Hostname: 'h' });
    assert.equal(await backend.telemetrySend(body), true);
    assert.equal(backend.telemetry.recent()[0].record.SegmentsReceivedCount, 4);
    assert.equal(await backend.telemetrySend('not json'), false);
    assert.equal(await backend.telemetrySend('{"TelemetryRecords": 5}'), false);
  });
});
