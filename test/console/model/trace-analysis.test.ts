import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfall } from '../../../src/console/model/segment-tree.js';
import { matchingRows, sortStatistics, traceStatistics } from '../../../src/console/model/trace-statistics.js';
import { byLargestDelta, compareTraces, mostTypical } from '../../../src/console/model/trace-compare.js';
import { responseTimeHistogram, withResponseTimeRange } from '../../../src/console/model/response-time-range.js';
import type { Trace, TraceSummary } from '../../../src/console/model/xray-types.js';

const TRACE_ID = '1-5f29ab21-d4ebf299219a65bd5c31d6da';
let n = 0;
const sub = (name: string, start: number, end: number, subsegments: object[] = [], extra: object = {}) => ({
  id: (++n).toString(16).padStart(16, '0'), name, start_time: start, end_time: end, subsegments, ...extra,
});
const trace = (...docs: object[]): Trace => ({ Id: TRACE_ID, Segments: docs.map((d, i) => ({ Id: `s${i}`, Document: JSON.stringify(d) })) });

function shop(queryEnd: number, withCache: boolean) {
  const call = sub('GET inventory', 0.1, 0.9);
  const web = { ...sub('web', 0, 1, [sub('render', 0.9, 1), call]), trace_id: TRACE_ID };
  const inventory = {
    ...sub('inventory', 0.15, 0.85, [sub('SELECT', 0.2, queryEnd), sub('SELECT', 0.5, 0.6), ...(withCache ? [sub('cache', 0.7, 0.75)] : [])]),
    trace_id: TRACE_ID,
    parent_id: call.id,
  };
  return buildWaterfall(trace(web, inventory));
}

describe('traceStatistics', () => {
  it('per operation: count, total, average, min, max and self time, under the owning service', () => {
    const lines = traceStatistics(shop(0.4, false), 'operation');
    const round = (x: number) => +x.toFixed(3);
    const select = lines.find((l) => l.operation === 'SELECT')!;
    assert.deepEqual([select.service, select.count, round(select.total), round(select.average), round(select.min), round(select.max)], ['inventory', 2, 0.3, 0.15, 0.1, 0.2]);
    const web = lines.find((l) => l.operation === 'web')!;
    assert.equal(round(web.self), 0.1); // before the call; render and the call cover the rest
    const inventory = lines.find((l) => l.operation === 'inventory')!;
    assert.equal(round(inventory.self), 0.4); // 0.7 minus the two queries
  });

  it('per service sums every row of the service; sorting puts the largest total first', () => {
    const lines = sortStatistics(traceStatistics(shop(0.4, false), 'service'), 'total');
    assert.deepEqual(lines.map((l) => [l.service, l.count]), [['web', 3], ['inventory', 3]]);
    assert.ok(lines[0].total >= lines[1].total);
    assert.deepEqual(sortStatistics(lines, 'service').map((l) => l.service), ['inventory', 'web']);
  });

  it('search within the trace finds rows by name, service, id or URL', () => {
    const w = shop(0.4, false);
    const names = (q: string) => w.rows.filter((r) => matchingRows(w, q).has(r.key)).map((r) => r.name);
    assert.deepEqual(names('select'), ['SELECT', 'SELECT']);
    assert.deepEqual(names('INVENT'), ['GET inventory', 'inventory', 'SELECT', 'SELECT']);
    assert.deepEqual(names('  '), []);
  });
});

describe('compareTraces', () => {
  it('shows the node only in B and puts the largest delta first', () => {
    const merged = compareTraces(shop(0.3, false), shop(0.8, true));
    const cache = merged.find((m) => m.name === 'cache')!;
    assert.equal(cache.presence, 'onlyB');
    assert.equal(cache.depth, 3);
    const first = byLargestDelta(merged)[0];
    assert.equal(first.name, 'SELECT');
    assert.equal(+first.delta!.toFixed(3), 0.5);
    assert.ok(merged.filter((m) => m.name === 'SELECT').every((m) => m.presence === 'both'));
  });

  it('picks the median-duration trace of the same URL as the most typical', () => {
    const s = (Id: string, Duration: number, url = 'http://shop/cart'): TraceSummary => ({ Id, Duration, Http: { HttpURL: url } });
    const slow = s('slow', 9);
    const all = [slow, s('a', 1), s('b', 2), s('c', 3), s('other', 2.5, 'http://shop/home')];
    assert.equal(mostTypical(slow, all)?.Id, 'b');
    assert.equal(mostTypical(s('x', 1, 'http://nowhere'), all), undefined);
  });
});

describe('response-time range', () => {
  it('bins the listed traces and turns a selected range into a filter clause', () => {
    const summaries = [0.1, 0.2, 0.25, 1].map((ResponseTime, i): TraceSummary => ({ Id: `t${i}`, ResponseTime }));
    assert.deepEqual(responseTimeHistogram(summaries, 4).map((b) => b.count), [2, 1, 0, 1]); // bars of 0.25 s
    assert.equal(withResponseTimeRange('', 0.2, 0.1), 'responsetime >= 0.1 AND responsetime <= 0.2');
    assert.equal(
      withResponseTimeRange('fault OR error', 0.1234, 0.5),
      '(fault OR error) AND responsetime >= 0.123 AND responsetime <= 0.5',
    );
    assert.equal(withResponseTimeRange('', 5 * 0.05, 7 * 0.05), 'responsetime >= 0.25 AND responsetime <= 0.35'); // bin edges, not float noise
    // a new selection replaces the previous range, keeping the rest of the filter
    assert.equal(withResponseTimeRange('(fault OR error) AND responsetime >= 0.123 AND responsetime <= 0.5', 1, 2), '(fault OR error) AND responsetime >= 1 AND responsetime <= 2');
    assert.equal(withResponseTimeRange('responsetime >= 0.1 AND responsetime <= 0.2', 1, 2), 'responsetime >= 1 AND responsetime <= 2');
    assert.equal(withResponseTimeRange('(a) OR (b) AND responsetime >= 0.1 AND responsetime <= 0.2', 1, 2), '((a) OR (b)) AND responsetime >= 1 AND responsetime <= 2');
  });
});
