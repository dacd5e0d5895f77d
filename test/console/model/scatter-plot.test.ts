import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks, pointsBetween, scatterPoints, timeDomain } from '../../../src/console/model/scatter-plot.js';
import type { TraceSummary } from '../../../src/console/model/xray-types.js';

const summary = (id: string, start: number | undefined, time: number | undefined, flags: Partial<TraceSummary> = {}): TraceSummary => ({
  Id: id, StartTime: start, ResponseTime: time, ...flags,
});

describe('scatter plot model', () => {
  it('places traces by start time and response time, oldest first, with their worst mark', () => {
    const points = scatterPoints([
      summary('b', 200, 0.5, { HasFault: true, HasError: true }),
      summary('a', 100, 0.1),
      summary('c', 150, 0.2, { HasThrottle: true, HasError: true }),
      summary('no-time', undefined, 1),
      summary('no-duration', 120, undefined),
    ]);
    assert.deepEqual(points.map((p) => [p.id, p.time, p.duration, p.health]), [
      ['a', 100, 0.1, 'ok'],
      ['c', 150, 0.2, 'throttle'],
      ['b', 200, 0.5, 'fault'],
    ]);
    assert.deepEqual(timeDomain(points), [97, 203]);
    assert.deepEqual(pointsBetween(points, 160, 90), [0, 1]);
  });

  it('takes the trace id time when the summary has no start, and pads a single point', () => {
    const points = scatterPoints([{ Id: '1-5f29ab21-d4ebf299219a65bd5c31d6da', Duration: 0.3 }]);
    assert.equal(points[0].time, 0x5f29ab21);
    assert.deepEqual(timeDomain(points), [0x5f29ab21 - 0.5, 0x5f29ab21 + 0.5]);
  });

  it('labels axes with round values', () => {
    assert.deepEqual(niceTicks(0, 1.2, 4), [0, 0.5, 1]);
    assert.deepEqual(niceTicks(97, 203, 4), [100, 150, 200]);
    assert.deepEqual(niceTicks(5, 5, 4), [5]);
  });
});
