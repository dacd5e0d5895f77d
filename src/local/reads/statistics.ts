/**
 * Accumulates X-Ray's service/edge statistics and histograms over the entities that describe a
 * node's or an edge's requests.
 *
 * Classification per entity: `fault` -> FaultStatistics; else `throttle` -> ErrorStatistics.ThrottleCount;
 * else `error` -> ErrorStatistics.OtherCount; else OkCount. In-progress entities (no end_time)
 * are not counted (they have no response time yet) but still widen StartTime/EndTime.
 *
 * Histogram buckets: each duration is rounded to the millisecond, and one entry is kept per
 * distinct millisecond value (`Value` in seconds), sorted ascending. Sums are kept in whole
 * milliseconds so totals carry no floating-point noise.
 */
import type { SegmentDocument } from '../trace-view.js';
import type { HistogramEntry, Statistics } from './api-types.js';
import { durationMs, endOf, isError, isFault, isThrottle, startOf } from './segment-tree.js';

export class StatisticsBuilder {
  private ok = 0;
  private throttle = 0;
  private otherError = 0;
  private fault = 0;
  private totalMs = 0;
  private readonly buckets = new Map<number, number>();
  private first: number | undefined;
  private last: number | undefined;

  /** Counts one request. */
  add(entity: SegmentDocument): void {
    this.touch(entity);
    const ms = durationMs(entity);
    if (ms === undefined) return;
    if (isFault(entity)) this.fault++;
    else if (isThrottle(entity)) this.throttle++;
    else if (isError(entity)) this.otherError++;
    else this.ok++;
    this.totalMs += ms;
    this.buckets.set(ms, (this.buckets.get(ms) ?? 0) + 1);
  }

  /** Widens the time range without counting a request. */
  touch(entity: SegmentDocument): void {
    const start = startOf(entity);
    const end = endOf(entity) ?? start;
    if (start !== undefined && (this.first === undefined || start < this.first)) this.first = start;
    if (end !== undefined && (this.last === undefined || end > this.last)) this.last = end;
  }

  get startTime(): number | undefined {
    return this.first;
  }

  get endTime(): number | undefined {
    return this.last;
  }

  summary(): Statistics {
    const errors = this.throttle + this.otherError;
    return {
      OkCount: this.ok,
      ErrorStatistics: { ThrottleCount: this.throttle, OtherCount: this.otherError, TotalCount: errors },
      FaultStatistics: { OtherCount: this.fault, TotalCount: this.fault },
      TotalCount: this.ok + errors + this.fault,
      TotalResponseTime: this.totalMs / 1000,
    };
  }

  histogram(): HistogramEntry[] {
    return [...this.buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([ms, count]) => ({ Value: ms / 1000, Count: count }));
  }
}
