import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStoreSink } from '../../src/local/local-store-sink.js';
import { TraceStore } from '../../src/local/store/trace-store.js';
import { segment, traceId } from './segment-fixtures.js';
import { readCorpusSegment } from '../helpers/corpus.js';

describe('LocalStoreSink', () => {
  it('stores valid documents and returns the invalid ones as unprocessed', async () => {
    const store = new TraceStore({ maxSegments: 100, maxBytes: 1e6 });
    const sink = new LocalStoreSink(store);
    const good = segment({ trace_id: traceId(1_700_000_000) });
    const inProgressAndEnded = { ...segment({ trace_id: traceId(1_700_000_000) }), in_progress: true };
    const outcome = await sink.send([JSON.stringify(good), 'nope', JSON.stringify(inProgressAndEnded)]);
    assert.equal(outcome.status, 'success');
    assert.deepEqual(outcome.status === 'success' ? outcome.unprocessed.map((u) => [u.Id, u.ErrorCode]) : [], [
      [undefined, 'InvalidJson'],
      [inProgressAndEnded.id, 'InvalidSegment'],
    ]);
    assert.equal(store.stats().segments, 1);
    assert.equal(store.get(good.trace_id as string)?.segments[0].id, good.id);
  });

  it('stores the real documents of the corpus, including a DynamoDB sample with 24 KB of subsegments', async () => {
    const store = new TraceStore({ maxSegments: 100, maxBytes: 1e6 });
    const text = readCorpusSegment('ddbSample.json');
    const outcome = await new LocalStoreSink(store).send([text]);
    assert.deepEqual(outcome, { status: 'success', unprocessed: [] });
    assert.equal(store.stats().bytes, Buffer.byteLength(text));
  });
});
