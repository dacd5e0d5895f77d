import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { iterativeStringify, stringifyDeep } from '../../../src/local/reads/stringify-deep.js';

test('the iterative serializer writes exactly what JSON.stringify writes', () => {
  const withHoles = fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined)));
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), withHoles, fc.array(fc.oneof(fc.jsonValue(), fc.constant(undefined)))), (v) => {
      assert.equal(iterativeStringify(v), JSON.stringify(v));
    }),
    { numRuns: 500 },
  );
  assert.equal(iterativeStringify({ a: 'é\n"', b: [1.5, -0, 1e21, null], c: {} }), JSON.stringify({ a: 'é\n"', b: [1.5, -0, 1e21, null], c: {} }));
});

test('stringifyDeep serializes nesting deeper than a recursive serializer can', () => {
  const depth = 50000;
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { s: [v] };
  const expected = '{"s":['.repeat(depth) + '1' + ']}'.repeat(depth);
  // Node 20-24's native JSON.stringify recurses and throws RangeError at this depth (then
  // stringifyDeep falls back); Node 26's no longer does. The fallback itself is checked directly.
  assert.equal(iterativeStringify(v), expected);
  assert.equal(stringifyDeep(v), expected);
});
