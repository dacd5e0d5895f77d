import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordBuffer } from '../../../src/local/store/record-buffer.js';
import { MAGIC, decodeRecord, encodeRecord } from '../../../src/local/store/log-record.js';

const texts = [
  '{"id":"a","name":"svc"}',
  '{"name":"caf\u00e9 \u6771\u4eac \ud83d\ude80","id":"b"}',
  '{\n"id":"c",\r\n"name":"with newlines"}',
  `{"id":"d","big":"${'x'.repeat(300_000)}"}`,
  '{}',
];

test('records encoded into the buffer are byte-identical to encodeRecord, and decode back', () => {
  const out = new RecordBuffer(64);
  out.addRaw(MAGIC);
  for (const t of texts) out.add(t);
  const bytes = out.take();
  assert.equal(bytes.toString('utf8'), MAGIC + texts.map(encodeRecord).join(''));
  const lines = bytes.subarray(MAGIC.length).toString('utf8').split('\n').slice(0, -1);
  assert.deepEqual(
    lines.map((l) => decodeRecord(Buffer.from(l))),
    texts.map((t) => t.replace(/[\r\n]/g, ' ')),
  );
});

test('full turns true at the capacity, and take() starts a new chunk in the same buffer', () => {
  const out = new RecordBuffer(100);
  let added = 0;
  while (!out.full) {
    out.add('{"id":"0123456789"}');
    added++;
  }
  assert.equal(added, Math.ceil(100 / encodeRecord('{"id":"0123456789"}').length));
  const first = out.take().toString('utf8');
  assert.equal(first, encodeRecord('{"id":"0123456789"}').repeat(added));
  assert.equal(out.length, 0);
  assert.equal(out.full, false);
  out.add('{"id":"next"}');
  assert.equal(out.take().toString('utf8'), encodeRecord('{"id":"next"}'));
});
