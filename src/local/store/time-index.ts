/**
 * Trace ids ordered by a time (seconds), for range queries that walk newest first.
 * Two parallel sorted arrays: inserts and removals are a binary search plus one splice (a memmove),
 * which stays cheap at the store's bounded size and keeps iteration allocation-free.
 */
export class TimeIndex {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.times.length;
  }

  /** First position whose (time, id) is >= the given pair. */
  private lowerBound(time: number, id: string): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.times[mid];
      if (t < time || (t === time && this.ids[mid] < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(time: number, id: string): void {
    const at = this.lowerBound(time, id);
    this.times.splice(at, 0, time);
    this.ids.splice(at, 0, id);
  }

  remove(time: number, id: string): boolean {
    const at = this.lowerBound(time, id);
    if (at < this.times.length && this.times[at] === time && this.ids[at] === id) {
      this.times.splice(at, 1);
      this.ids.splice(at, 1);
      return true;
    }
    return false;
  }

  /**
   * Entries with `from <= time <= to`, newest first. `before` (a (time, id) cursor) resumes a
   * walk: only entries strictly older than it are yielded.
   */
  *descending(from: number, to: number, before?: { time: number; id: string }): Generator<{ time: number; id: string }> {
    let i = this.upperIndex(to);
    if (before) i = Math.min(i, this.lowerBound(before.time, before.id) - 1);
    for (; i >= 0; i--) {
      const time = this.times[i];
      if (time < from) return;
      yield { time, id: this.ids[i] };
    }
  }

  /** Index of the last entry with time <= to (or -1). */
  private upperIndex(to: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= to) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
