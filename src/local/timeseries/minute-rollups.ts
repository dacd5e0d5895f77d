/**
 * Per-minute statistics of every service node and edge, kept up to date at ingest (a TraceStore
 * observer), for GetTimeSeriesServiceStatistics and the insight detector. One scope holds every
 * stored trace (the Default group); each other group has its own scope holding the traces its
 * filter matches. On every change of a trace the scope takes back what the trace's old version
 * contributed and adds what the new one does, so the numbers always describe exactly the traces
 * the store holds now (evicted traces leave them too): memory is bounded by the store's limits.
 * A group's scope is filled from the stored traces when the group is created or its filter
 * changes (one pass over the store).
 */
import type { TraceObserver } from '../store/trace-store.js';
import type { ServiceRef } from '../reads/inferred-service.js';
import type { TraceView } from '../trace-view.js';
import { type Contribution, type Outcome, traceContributions } from './trace-contributions.js';

export class Cell {
  ok = 0;
  throttle = 0;
  error = 0;
  fault = 0;
  totalMs = 0;
  /** Response time in whole ms -> count. */
  readonly buckets = new Map<number, number>();
  /** JSON of the statistics and of the histogram, kept until the cell changes (answers reuse them). */
  private json: { statistics: string; histogram: string } | undefined;

  get count(): number {
    return this.ok + this.throttle + this.error + this.fault;
  }

  /** X-Ray's statistics object and ResponseTimeHistogram, as JSON text. */
  toJson(): { statistics: string; histogram: string } {
    if (!this.json) {
      const errors = this.throttle + this.error;
      const statistics = {
        OkCount: this.ok,
        ErrorStatistics: { ThrottleCount: this.throttle, OtherCount: this.error, TotalCount: errors },
        FaultStatistics: { OtherCount: this.fault, TotalCount: this.fault },
        TotalCount: this.count,
        TotalResponseTime: this.totalMs / 1000,
      };
      const histogram = [...this.buckets.keys()].sort((a, b) => a - b).map((ms) => `{"Value":${ms / 1000},"Count":${this.buckets.get(ms)}}`);
      this.json = { statistics: JSON.stringify(statistics), histogram: `[${histogram.join(',')}]` };
    }
    return this.json;
  }

  add(outcome: Outcome, ms: number, sign: 1 | -1): void {
    this.json = undefined;
    this[outcome] += sign;
    this.totalMs += sign * ms;
    const n = (this.buckets.get(ms) ?? 0) + sign;
    if (n > 0) this.buckets.set(ms, n);
    else this.buckets.delete(ms);
  }

  merge(other: Cell): void {
    this.json = undefined;
    this.ok += other.ok;
    this.throttle += other.throttle;
    this.error += other.error;
    this.fault += other.fault;
    this.totalMs += other.totalMs;
    for (const [ms, n] of other.buckets) this.buckets.set(ms, (this.buckets.get(ms) ?? 0) + n);
  }
}

export interface Series {
  edge: boolean;
  /** The sum of a scope's client edges (ENTRY_KEY), read when no entity is selected. */
  aggregate?: boolean;
  from?: ServiceRef;
  to: ServiceRef;
  /** Minute (epoch seconds / 60) -> statistics. */
  cells: Map<number, Cell>;
}

/** The series summing every client edge of a scope. */
export const ENTRY_KEY = '\u0002entry';

export class Scope {
  readonly series = new Map<string, Series>();

  constructor(readonly matches: ((t: TraceView) => boolean) | undefined) {}

  apply(contributions: Contribution[], sign: 1 | -1): void {
    for (const c of contributions) {
      this.applyTo(c.key, c, sign, false);
      if (c.entry) this.applyTo(ENTRY_KEY, c, sign, true);
    }
  }

  private applyTo(key: string, c: Contribution, sign: 1 | -1, aggregate: boolean): void {
    let s = this.series.get(key);
    if (!s) {
      if (sign < 0) return;
      this.series.set(key, (s = { edge: c.edge, aggregate, from: c.from, to: c.to, cells: new Map() }));
    }
    let cell = s.cells.get(c.minute);
    if (!cell) {
      if (sign < 0) return;
      s.cells.set(c.minute, (cell = new Cell()));
    }
    cell.add(c.outcome, c.ms, sign);
    if (cell.count <= 0) s.cells.delete(c.minute);
    if (s.cells.size === 0) this.series.delete(key);
  }
}

export const ALL_TRACES = '';

export class MinuteRollups implements TraceObserver {
  private readonly scopes = new Map<string, Scope>([[ALL_TRACES, new Scope(undefined)]]);

  traceChanged(before: TraceView | undefined, after: TraceView | undefined): void {
    if (before === after) return;
    const old = before ? traceContributions(before) : [];
    const now = after ? traceContributions(after) : [];
    for (const scope of this.scopes.values()) {
      if (before && (!scope.matches || scope.matches(before))) scope.apply(old, -1);
      if (after && (!scope.matches || scope.matches(after))) scope.apply(now, 1);
    }
  }

  /** The scope of a group (undefined name = every trace). */
  scope(group: string | undefined): Scope | undefined {
    return this.scopes.get(group ?? ALL_TRACES);
  }

  /** (Re)builds a group's scope from the stored traces; `matches` undefined = every trace. */
  setGroup(name: string, matches: ((t: TraceView) => boolean) | undefined, stored: Iterable<TraceView>): void {
    const scope = new Scope(matches);
    for (const t of stored) if (!matches || matches(t)) scope.apply(traceContributions(t), 1);
    this.scopes.set(name, scope);
  }

  dropGroup(name: string): void {
    if (name !== ALL_TRACES) this.scopes.delete(name);
  }
}
