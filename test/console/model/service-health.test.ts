import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { healthPerPoint, healthTotals, operationHealth, percentile } from '../../../src/console/model/service-health.js';

describe('service health', () => {
  it('takes percentiles from a response-time histogram', () => {
    const histogram = [{ Value: 0.3, Count: 1 }, { Value: 0.1, Count: 8 }, { Value: 0.2, Count: 1 }];
    assert.equal(percentile(histogram, 0.5), 0.1);
    assert.equal(percentile(histogram, 0.9), 0.2);
    assert.equal(percentile(histogram, 0.99), 0.3);
    assert.equal(percentile([], 0.5), undefined);
  });

  it('sums time-series points into totals and keeps one entry per minute', () => {
    const points = [
      { Timestamp: 120, ServiceSummaryStatistics: { TotalCount: 4, OkCount: 1, ErrorStatistics: { ThrottleCount: 1, OtherCount: 1, TotalCount: 2 }, FaultStatistics: { TotalCount: 1 }, TotalResponseTime: 2 }, ResponseTimeHistogram: [{ Value: 0.5, Count: 4 }] },
      { Timestamp: 60, ServiceSummaryStatistics: { TotalCount: 6, OkCount: 6, TotalResponseTime: 0.6 }, ResponseTimeHistogram: [{ Value: 0.1, Count: 6 }] },
    ];
    const totals = healthTotals(points);
    assert.deepEqual({ ...totals, average: Number(totals.average?.toFixed(3)) }, { requests: 10, ok: 7, errors: 1, throttles: 1, faults: 1, average: 0.26, p50: 0.1, p90: 0.5, p99: 0.5 });
    assert.deepEqual(healthPerPoint(points, 0, 240, 60).map((p) => [p.time, p.requests]), [[0, 0], [60, 6], [120, 4], [180, 0]]);
    assert.deepEqual(healthPerPoint(points, 0, 240, 120).map((p) => [p.time, p.requests]), [[0, 6], [120, 4]]);
  });

  it('groups trace summaries per method and URL path, busiest first', () => {
    const lines = operationHealth([
      { Id: 'a', ResponseTime: 0.1, Http: { HttpMethod: 'GET', HttpURL: 'http://shop/api/cart?x=1' } },
      { Id: 'b', ResponseTime: 0.3, HasFault: true, Http: { HttpMethod: 'GET', HttpURL: 'http://shop/api/cart' } },
      { Id: 'c', ResponseTime: 0.2, HasError: true, HasThrottle: true, Http: { HttpMethod: 'POST', HttpURL: 'http://shop/api/cart' } },
      { Id: 'd', Duration: 0.05 },
    ]);
    assert.deepEqual(lines.map((l) => [l.method, l.path, l.requests, l.ok, l.faults, l.throttles, l.p99]), [
      ['GET', '/api/cart', 2, 1, 1, 0, 0.3],
      ['', '(no URL)', 1, 1, 0, 0, 0.05],
      ['POST', '/api/cart', 1, 0, 0, 1, 0.2],
    ]);
  });
});
