import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HAS_ID, HAS_TRACE, formatTraceId, parseTraceId, scanIds } from '../../src/ledger/id-scan.js';
import { TraceLedger, ENTRY_BYTES } from '../../src/ledger/trace-ledger.js';

const TRACE = '1-5759e988-bd862e3fe1be46a994272793';

test('ids are found by scanning bytes or text, whitespace and key order allowed, subsegment ids ignored', () => {
  const out = new Uint8Array(24);
  for (const doc of [
    `{"name":"a","id":"70de5b6f19ff9a0a","trace_id":"${TRACE}","subsegments":[{"id":"0000000000000001"}]}`,
    `{ "trace_id" : "${TRACE}", "name": "id", "id" : "70de5b6f19ff9a0a" }`,
  ]) {
    for (const input of [doc, Buffer.from(doc)]) {
      out.fill(0);
      assert.equal(scanIds(input, out, 0), HAS_TRACE | HAS_ID);
      assert.equal(formatTraceId(out), TRACE);
      assert.equal(Buffer.from(out.subarray(16)).toString('hex'), '70de5b6f19ff9a0a');
    }
  }
  assert.equal(scanIds('{"trace_id":"1-zz","id":"short"}', out, 0), 0);
  assert.equal(scanIds('not json at all', out, 0), 0);
  assert.equal(parseTraceId('1-5759e988-bd862e3fe1be46a99427279'), undefined, 'one digit short');
  assert.equal(parseTraceId(`${TRACE}x`), undefined);
  assert.ok(parseTraceId(TRACE.toUpperCase().replace('1-', '1-')));
});

test('events come back per segment in order; other traces are not mixed in', () => {
  let now = 1_700_000_000_000;
  const ledger = new TraceLedger(64 * 1024, () => now++);
  const seg = (id: string, trace = TRACE) => `{"id":"${id}","trace_id":"${trace}"}`;
  ledger.record(seg('00000000000000a1'), 'received');
  ledger.record(seg('00000000000000b2'), 'received');
  ledger.record(seg('00000000000000a1', '1-5759e988-000000000000000000000001'), 'received');
  ledger.record(seg('00000000000000a1'), 'sent', 'accepted by X-Ray (batch of 2)');
  ledger.record(seg('00000000000000b2'), 'unprocessed', 'InvalidSegment: bad');
  const found = ledger.lookup(parseTraceId(TRACE)!)!;
  assert.equal(found.traceId, TRACE);
  assert.deepEqual(
    found.segments.map((s) => [s.id, s.events.map((e) => `${e.event}:${e.detail}`)]),
    [
      ['00000000000000a1', ['received:', 'sent:accepted by X-Ray (batch of 2)']],
      ['00000000000000b2', ['received:', 'unprocessed:InvalidSegment: bad']],
    ],
  );
  assert.equal(ledger.lookup(parseTraceId('1-00000000-000000000000000000000000')!), undefined);
});

test('the ring is fixed in size; a flood of deliveries does not erase recorded problems', () => {
  const ledger = new TraceLedger(40 * ENTRY_BYTES);
  const { routine, trouble } = ledger.capacity;
  assert.equal(routine + trouble, 40);
  const trouble1 = '1-5759e988-00000000000000000000dead';
  ledger.record(`{"id":"00000000000000ff","trace_id":"${trouble1}"}`, 'dropped', 'buffer-full');
  for (let i = 0; i < 1000; i++) ledger.record(`{"id":"${i.toString(16).padStart(16, '0')}","trace_id":"1-5759e988-${i.toString(16).padStart(24, '0')}"}`, 'sent');
  assert.equal(ledger.lookup(parseTraceId(trouble1)!)!.segments[0].events[0].detail, 'buffer-full');
  assert.equal(ledger.lookup(parseTraceId(`1-5759e988-${(0).toString(16).padStart(24, '0')}`)!), undefined, 'the oldest deliveries were overwritten');
  assert.ok(ledger.lookup(parseTraceId(`1-5759e988-${(999).toString(16).padStart(24, '0')}`)!));
});
