import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, DOC, encodeAck, encodeDoc, parseRecords, type SpoolRecord } from '../../src/spool/spool-record.js';
import { SeqRanges, runsOf } from '../../src/spool/seq-ranges.js';

const parse = (buf: Buffer, more = false) => {
  const out: SpoolRecord[] = [];
  const res = parseRecords(buf, more, (r) => void out.push(r));
  return { out, ...res };
};

test('documents and acks round-trip, unicode included', () => {
  const buf = Buffer.concat([encodeDoc(1, '{"name":"ü"}'), encodeAck(1, 1), encodeDoc(2 ** 40, '{}')]);
  const { out, consumed, corruptBytes } = parse(buf);
  assert.deepEqual(out, [
    { type: DOC, seq: 1, text: '{"name":"ü"}' },
    { type: ACK, seq: 1, count: 1 },
    { type: DOC, seq: 2 ** 40, text: '{}' },
  ]);
  assert.equal(consumed, buf.length);
  assert.equal(corruptBytes, 0);
});

test('a torn tail is skipped and counted; with more to read it is left for the next chunk', () => {
  const whole = Buffer.concat([encodeDoc(1, 'a'.repeat(100)), encodeDoc(2, 'b'.repeat(100))]);
  const torn = whole.subarray(0, whole.length - 30);
  const atEof = parse(torn);
  assert.deepEqual(atEof.out.map((r) => r.seq), [1]);
  assert.equal(atEof.corruptBytes, torn.length - encodeDoc(1, 'a'.repeat(100)).length);
  const midFile = parse(torn, true);
  assert.deepEqual(midFile.out.map((r) => r.seq), [1]);
  assert.equal(midFile.corruptBytes, 0);
  assert.equal(midFile.consumed, encodeDoc(1, 'a'.repeat(100)).length);
});

test('a corrupt record in the middle is skipped: the reader finds the next record by its magic', () => {
  const a = encodeDoc(1, 'first');
  const b = encodeDoc(2, 'second');
  const c = encodeDoc(3, 'third');
  b[b.length - 1] ^= 0xff; // flips a payload byte: the CRC no longer matches
  const { out, corruptBytes } = parse(Buffer.concat([a, b, Buffer.from('garbage'), c]));
  assert.deepEqual(out.map((r) => r.seq), [1, 3]);
  assert.equal(corruptBytes, b.length + 'garbage'.length);
});

test('seq ranges merge and answer membership', () => {
  const r = new SeqRanges();
  r.add(10, 5);
  r.add(1, 3);
  r.add(15, 5); // adjacent: merges
  r.add(2, 10); // overlaps both
  assert.equal(r.size, 1);
  for (const s of [1, 5, 19]) assert.ok(r.has(s));
  for (const s of [0, 20]) assert.ok(!r.has(s));
  assert.deepEqual(runsOf([4, 5, 6, 9, 10, 2]), [[4, 3], [9, 2], [2, 1]]);
});
