import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentBuffer, DOC_OVERHEAD_BYTES } from '../../src/pipeline/segment-buffer.js';

const doc = (n: number) => `doc-${n}`.padEnd(100, '.');

test('charges each document its size plus overhead, and frees it on release', () => {
  const buf = new SegmentBuffer(10_000, () => assert.fail('no spill expected'));
  for (let i = 0; i < 3; i++) buf.push(doc(i), 100);
  assert.equal(buf.usedBytes, 3 * (100 + DOC_OVERHEAD_BYTES));
  const batch = buf.takeBatch(2)!;
  assert.deepEqual(batch.documents, [doc(0), doc(1)]);
  assert.equal(buf.usedBytes, 3 * (100 + DOC_OVERHEAD_BYTES), 'in-flight bytes still count');
  buf.release(batch);
  assert.equal(buf.usedBytes, 100 + DOC_OVERHEAD_BYTES);
});

test('when full, drops the oldest documents and counts each once', () => {
  let spilled = 0;
  const per = 100 + DOC_OVERHEAD_BYTES;
  const buf = new SegmentBuffer(per * 5, (n) => (spilled += n));
  for (let i = 0; i < 8; i++) buf.push(doc(i), 100);
  assert.equal(spilled, 3);
  assert.equal(buf.queuedDocuments, 5);
  assert.deepEqual(buf.takeBatch(50)!.documents, [3, 4, 5, 6, 7].map(doc), 'the newest five remain, in order');
});

test('held (retrying) batches are dropped before newer queued documents', () => {
  let spilled = 0;
  const per = 100 + DOC_OVERHEAD_BYTES;
  let now = 0;
  const buf = new SegmentBuffer(per * 4, (n) => (spilled += n), () => now);
  buf.push(doc(0), 100);
  buf.push(doc(1), 100);
  const failed = buf.takeBatch(2)!;
  failed.notBefore = 1000;
  buf.hold(failed);
  buf.push(doc(2), 100);
  buf.push(doc(3), 100);
  assert.equal(buf.takeDueRetry(), undefined, 'not before its retry time');
  buf.push(doc(4), 100);
  assert.equal(spilled, 2, 'the whole held batch (two documents) made room');
  assert.equal(buf.heldBatches, 0);
  assert.deepEqual(buf.takeBatch(50)!.documents, [2, 3, 4].map(doc));
});

test('a due held batch comes back ahead of new data', () => {
  let now = 0;
  const buf = new SegmentBuffer(100_000, () => {}, () => now);
  buf.push(doc(0), 100);
  const b = buf.takeBatch(1)!;
  b.notBefore = 500;
  buf.hold(b);
  buf.push(doc(1), 100);
  now = 500;
  assert.equal(buf.takeDueRetry(), b);
});

test('in-flight bytes that fill the budget make the new document spill', () => {
  let spilled = 0;
  const per = 100 + DOC_OVERHEAD_BYTES;
  const buf = new SegmentBuffer(per * 2, (n) => (spilled += n));
  buf.push(doc(0), 100);
  buf.push(doc(1), 100);
  buf.takeBatch(2);
  buf.push(doc(2), 100);
  assert.equal(spilled, 1);
  assert.equal(buf.usedBytes, per * 2);
});
