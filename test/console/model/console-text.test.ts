import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatDurationShort, formatWhen, traceIdTime } from '../../../src/console/model/format.js';
import { annotationFilter, edgeFilter, errorPosition, serviceFilter } from '../../../src/console/model/filter-text.js';
import { formatHash, parseHash } from '../../../src/console/model/route.js';
import { timeWindow } from '../../../src/console/model/time-range.js';

describe('console text', () => {
  it('formats durations the way a developer reads them', () => {
    const cases: [number | undefined, string][] = [
      [undefined, '–'],
      [Number.NaN, '–'],
      [0, '0 ms'],
      [0.0004, '0.40 ms'],
      [0.0042, '4.2 ms'],
      [0.00999, '10 ms'],
      [0.9996, '1.00 s'],
      [0.25, '250 ms'],
      [1.234, '1.23 s'],
      [42.5, '42.5 s'],
      [125, '2 min 5 s'],
      [3 * 3600 + 120, '3 h 2 min'],
      [6578857.426, '76 d 3 h'],
    ];
    for (const [input, expected] of cases) assert.equal(formatDuration(input), expected, String(input));
    assert.equal(formatDurationShort(6578857), '76 d');
    assert.equal(formatDurationShort(0.0002), '<1 ms');
  });

  it('shows a date only for traces from another day', () => {
    const now = new Date(2026, 10, 27, 14, 0, 0).getTime();
    assert.equal(formatWhen(new Date(2026, 10, 27, 13, 59, 58, 120).getTime() / 1000, now), '13:59:58.120');
    assert.equal(formatWhen(new Date(2020, 7, 4, 18, 38, 25).getTime() / 1000, now), '2020-08-04 18:38:25');
  });

  it('reads the start second from a trace id', () => {
    assert.equal(traceIdTime('1-5f29ab21-d4ebf299219a65bd5c31d6da'), 0x5f29ab21);
    assert.equal(traceIdTime('not-a-trace-id'), undefined);
  });

  it('quotes a service name into a filter and finds the position of a syntax error', () => {
    assert.equal(serviceFilter('orders-api'), 'service("orders-api")');
    assert.equal(serviceFilter('say "hi"\\'), 'service("say \\"hi\\"\\\\")');
    assert.equal(edgeFilter('web', 'orders-api'), 'edge("web", "orders-api")');
    assert.equal(annotationFilter('tier', 'gold'), 'annotation.tier = "gold"');
    assert.equal(annotationFilter('items', 3), 'annotation.items = 3');
    assert.equal(annotationFilter('vip', false), 'annotation.vip = false');
    assert.equal(annotationFilter('bad key', 'x'), undefined);
    assert.equal(annotationFilter('obj', { a: 1 }), undefined);
    assert.equal(errorPosition('FilterExpression: unexpected ">" at position 14: expected a number', 18), 14);
    assert.equal(errorPosition('position 99', 10), undefined);
    assert.equal(errorPosition('unknown keyword', 10), undefined);
  });

  it('keeps the view, the filter and the range in the URL hash', () => {
    const here = { view: { name: 'trace' as const, id: '1-5f29ab21-d4ebf299219a65bd5c31d6da' }, filter: 'service("a b") AND fault', range: '1h' as const };
    assert.deepEqual(parseHash(formatHash(here)), here);
    assert.deepEqual(parseHash(''), { view: { name: 'traces' }, filter: '', range: '15m' });
    assert.deepEqual(parseHash('#/map?range=forever'), { view: { name: 'map' }, filter: '', range: '15m' });
    assert.equal(parseHash('#/traces?q=a?b=c').filter, 'a?b=c');
    assert.deepEqual(parseHash('#/traces/%E0%A4%A').view, { name: 'trace', id: '%E0%A4%A' });
    assert.equal(formatHash({ view: { name: 'traces' }, filter: '', range: '15m' }), '#/traces');
  });

  it('asks for the chosen window, leaning a minute into the future', () => {
    const now = 1_800_000_000_500;
    assert.deepEqual(timeWindow('5m', now), { StartTime: 1_800_000_000 - 300, EndTime: 1_800_000_001 + 60 });
    assert.deepEqual(timeWindow('all', now), { StartTime: 0, EndTime: 1_800_000_061 });
  });
});
