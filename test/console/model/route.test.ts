import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatHash, parseHash, type Location } from '../../../src/console/model/route.js';
import { requestWindow } from '../../../src/console/model/time-range.js';

const ID = '1-5f29ab21-d4ebf299219a65bd5c31d6da';
const OTHER = '1-5f29ab22-aaaaaaaaaaaaaaaaaaaaaaaa';

describe('deep links of the analysis views', () => {
  const cases: [string, Location][] = [
    ['trace statistics with a search', { view: { name: 'trace', id: ID, tab: 'statistics', find: 'db "x"' }, filter: '', range: '15m' }],
    ['compare two traces by largest delta', { view: { name: 'compare', a: ID, b: OTHER, sort: 'delta' }, filter: '', range: '1h' }],
    ['compare with the most typical trace', { view: { name: 'compare', a: ID }, filter: '', range: '15m' }],
    ['a brushed window and a histogram filter', { view: { name: 'traces' }, filter: 'responsetime >= 0.1 AND responsetime <= 0.2', range: '15m', window: { from: 1_800_000_000.5, to: 1_800_000_060 } }],
    ['an opened file and one of its traces', { view: { name: 'file', id: ID }, filter: '', range: '15m' }],
    ['a service health page in a group', { view: { name: 'services', service: 'orders api/v2' }, filter: '', range: '6h', group: 'checkout' }],
    ['the sampling rules', { view: { name: 'sampling' }, filter: '', range: '15m' }],
    ['an insight', { view: { name: 'insights', id: 'abc-123' }, filter: '', range: '24h' }],
  ];
  for (const [what, location] of cases) {
    it(`reopens ${what}`, () => {
      const hash = formatHash(location);
      assert.deepEqual(parseHash(hash), location, hash);
    });
  }

  it('writes readable hashes and ignores what it cannot use', () => {
    assert.equal(formatHash({ view: { name: 'compare', a: ID, b: OTHER, sort: 'delta' }, filter: '', range: '15m' }), `#/compare/${ID}/${OTHER}?sort=delta`);
    assert.equal(formatHash({ view: { name: 'file' }, filter: '', range: '15m' }), '#/file');
    assert.deepEqual(parseHash('#/compare'), { view: { name: 'traces' }, filter: '', range: '15m' });
    assert.deepEqual(parseHash(`#/traces?from=20&to=10`), { view: { name: 'traces' }, filter: '', range: '15m' }); // empty window dropped
    assert.deepEqual(parseHash(`#/traces/${ID}?tab=nonsense`).view, { name: 'trace', id: ID });
    assert.deepEqual(parseHash('#/services').view, { name: 'services' });
  });

  it('asks for the brushed window instead of the range while one is set', () => {
    assert.deepEqual(requestWindow('15m', { from: 100.4, to: 200.2 }), { StartTime: 100, EndTime: 201 });
    assert.deepEqual(requestWindow('5m', undefined, 1_800_000_000_500), { StartTime: 1_800_000_000 - 300, EndTime: 1_800_000_061 });
  });
});
