import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TimeIndex } from '../../../src/local/store/time-index.js';

type Entry = { time: number; id: string };
const order = (a: Entry, b: Entry) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('TimeIndex', () => {
  it('walks like a sorted list through any sequence of adds and removes', () => {
    const op = fc.record({ add: fc.boolean(), time: fc.integer({ min: 0, max: 50 }), id: fc.constantFrom('a', 'b', 'c', 'd') });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), (ops, x, y) => {
        const index = new TimeIndex(4);
        const model: Entry[] = [];
        for (const o of ops) {
          const at = model.findIndex((e) => e.time === o.time && e.id === o.id);
          if (o.add && at < 0) {
            index.add(o.time, o.id);
            model.push({ time: o.time, id: o.id });
          } else if (!o.add) {
            assert.equal(index.remove(o.time, o.id), at >= 0);
            if (at >= 0) model.splice(at, 1);
          }
        }
        model.sort(order);
        const [from, to] = [Math.min(x, y), Math.max(x, y)];
        const expected = model.filter((e) => e.time >= from && e.time <= to).reverse();
        assert.deepEqual([...index.descending(from, to)], expected);
        assert.equal(index.size, model.length);
        if (expected.length > 1) {
          const cursor = expected[Math.floor(expected.length / 2)];
          assert.deepEqual([...index.descending(from, to, cursor)], expected.filter((e) => order(e, cursor) < 0));
        }
      }),
      { numRuns: 200 },
    );
  });
});
