import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseDatagram, parseDatagramAt } from '../../src/ingest/datagram.js';

const body = '{"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2}';
const dg = (header: string, b = body) => Buffer.from(`${header}\n${b}`);

test('accepts the headers SDKs send and the reference accepts', () => {
  const accepted = [
    '{"format":"json","version":1}',
    '{"format": "json", "version": 1}',
    '  {"format":"json","version":1}  ',
    '{"FORMAT":"JSON","Version":1}',
    '{"format":"Json","version":1,"extra":"ok"}',
    '{"version":1,"format":"json"}',
    '{\t"format" : "json" ,\r "version" : 1 }',
  ];
  for (const h of accepted) {
    const r = parseDatagram(dg(h));
    assert.equal(r.ok, true, `should accept ${h}`);
    if (r.ok) assert.equal(r.body.toString(), body, 'body is passed on byte-identical');
  }
});

test('rejects what the reference rejects, with a reason', () => {
  const cases: [Buffer, string][] = [
    [dg('{"format":"json","version":"1"}'), 'bad-header'],
    [dg('{"format":"json","version":2}'), 'bad-header'],
    [dg('{"format":"json","version":1.0}'), 'bad-header'],
    [dg('{"format":"json","version":1e0}'), 'bad-header'],
    [dg('{"format":"xml","version":1}'), 'bad-header'],
    [dg('{"format":1,"version":1}'), 'bad-header'],
    [dg('{"version":1}'), 'bad-header'],
    [dg('{"format":"json"}'), 'bad-header'],
    [dg('[1]'), 'bad-header'],
    [dg('null'), 'bad-header'],
    [dg('not json'), 'bad-header'],
    [dg(''), 'bad-header'],
    [Buffer.from('{"format":"json","version":1}'), 'no-newline'],
    [Buffer.from('{"format":"json","version":1}\n'), 'empty-body'],
    [Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x01, 0x02]), 'bad-header'],
    [Buffer.alloc(0), 'empty'],
  ];
  for (const [input, reason] of cases) {
    const r = parseDatagram(input);
    assert.deepEqual(r, { ok: false, reason }, `for ${JSON.stringify(input.toString())}`);
  }
});

test('splits at the first newline only: newlines inside the document stay', () => {
  const r = parseDatagram(Buffer.from('{"format":"json","version":1}\n{"a":\n1}'));
  assert.equal(r.ok && r.body.toString(), '{"a":\n1}');
});

test('accepts a maximum-size datagram whole (65,507 bytes)', () => {
  const header = '{"format":"json","version":1}\n';
  const filler = 'x'.repeat(65_507 - header.length - '{"pad":""}'.length);
  const input = Buffer.from(`${header}{"pad":"${filler}"}`);
  assert.equal(input.length, 65_507);
  const r = parseDatagram(input);
  assert.equal(r.ok && r.body.length, 65_507 - header.length);
});

test('the corpus datagrams with their spaced headers are accepted', () => {
  for (const name of ['serverSample.datagram', 'invalidNamespace.datagram']) {
    const raw = readFileSync(new URL(`../../../test/fixtures/corpus/datagrams/${name}`, import.meta.url));
    const r = parseDatagram(raw);
    assert.equal(r.ok, true, name);
    if (r.ok) assert.equal(r.body.toString(), raw.subarray(raw.indexOf(0x0a) + 1).toString());
  }
});

test('no datagram makes the parser throw (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      const r = parseDatagram(Buffer.from(bytes));
      assert.equal(typeof r.ok, 'boolean');
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.json(), fc.string(), (header, rest) => {
      const r = parseDatagram(Buffer.from(`${header}\n${rest}`));
      if (r.ok) assert.ok(rest.length > 0);
    }),
    { numRuns: 2000 },
  );
});

test('parseDatagramAt reads one datagram of a batch without looking at its neighbours', () => {
  const parts = ['no newline here', '{"format":"json","version":1}\n{"x":1}', '{"format":"json","version":1}\n', '\n{"y":2}'];
  const batch = Buffer.from(parts.join(''));
  const results: string[] = [];
  let start = 0;
  for (const p of parts) {
    const end = start + Buffer.byteLength(p);
    const r = parseDatagramAt(batch, start, end);
    results.push(r.ok ? `body ${String(r.body)}` : r.reason);
    start = end;
  }
  // the first has no newline of its own although the next datagram does; the third's body is not the fourth
  assert.deepEqual(results, ['no-newline', 'body {"x":1}', 'empty-body', 'bad-header']);
  assert.equal(parseDatagramAt(batch, 5, 5).ok, false);
});
