/**
 * A set of sequence numbers kept as sorted, merged [from, to) ranges: acknowledgements arrive as
 * one range per batch, mostly in order, so the set stays a handful of ranges.
 */
export class SeqRanges {
  private ranges: [number, number][] = [];

  add(from: number, count: number): void {
    if (count <= 0) return;
    let to = from + count;
    const kept: [number, number][] = [];
    let placed = false;
    for (const [a, b] of this.ranges) {
      if (b < from) kept.push([a, b]);
      else if (a > to) {
        if (!placed) kept.push([from, to]), (placed = true);
        kept.push([a, b]);
      } else {
        from = Math.min(from, a);
        to = Math.max(to, b);
      }
    }
    if (!placed) kept.push([from, to]);
    this.ranges = kept;
  }

  has(seq: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid];
      if (seq < a) hi = mid - 1;
      else if (seq >= b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Forgets every range wholly below `seq` (nothing below it is asked about any more). */
  dropBelow(seq: number): void {
    let n = 0;
    while (n < this.ranges.length && this.ranges[n][1] <= seq) n++;
    if (n > 0) this.ranges.splice(0, n);
  }

  get size(): number {
    return this.ranges.length;
  }
}

/** Consecutive runs of `seqs` (in the order given) as [first, count] pairs. */
export function runsOf(seqs: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const s of seqs) {
    const last = runs.at(-1);
    if (last && last[0] + last[1] === s) last[1]++;
    else runs.push([s, 1]);
  }
  return runs;
}
