/**
 * Trace ids ordered by a time (seconds), for range queries that walk newest first.
 *
 * A sorted list of small sorted chunks (at most `chunkSize` entries each): an insert or removal is two
 * binary searches plus a splice of one short array, so it stays cheap at a million entries,
 * including the common pattern of evicting from the front while adding at the back (one big
 * sorted array costs a multi-megabyte memmove per removal there).
 */
const DEFAULT_CHUNK = 512;

interface Chunk {
  times: number[];
  ids: string[];
}

interface Pos {
  c: number;
  i: number;
}

type Pred = (time: number, id: string) => boolean;

function atLeast(time: number, id: string): Pred {
  return (t, i) => t > time || (t === time && i >= id);
}

export class TimeIndex {
  private readonly chunks: Chunk[] = [];
  private count = 0;

  /** `chunkSize` is only changed by tests, to exercise splits with few entries. */
  constructor(private readonly chunkSize = DEFAULT_CHUNK) {}

  get size(): number {
    return this.count;
  }

  /** The first position where `pred` holds (`pred` is false then true along the order). */
  private first(pred: Pred): Pos {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ch = chunks[mid];
      const last = ch.times.length - 1;
      if (pred(ch.times[last], ch.ids[last])) hi = mid;
      else lo = mid + 1;
    }
    if (lo === chunks.length) return { c: lo, i: 0 };
    const ch = chunks[lo];
    let a = 0;
    let b = ch.times.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (pred(ch.times[m], ch.ids[m])) b = m;
      else a = m + 1;
    }
    return { c: lo, i: a };
  }

  add(time: number, id: string): void {
    this.count += 1;
    if (this.chunks.length === 0) {
      this.chunks.push({ times: [time], ids: [id] });
      return;
    }
    let { c, i } = this.first(atLeast(time, id));
    if (c === this.chunks.length) {
      c -= 1;
      i = this.chunks[c].times.length;
    }
    const ch = this.chunks[c];
    ch.times.splice(i, 0, time);
    ch.ids.splice(i, 0, id);
    if (ch.times.length > this.chunkSize) {
      const half = ch.times.length >>> 1;
      this.chunks.splice(c + 1, 0, { times: ch.times.splice(half), ids: ch.ids.splice(half) });
    }
  }

  remove(time: number, id: string): boolean {
    const { c, i } = this.first(atLeast(time, id));
    const ch = this.chunks[c];
    if (!ch || ch.times[i] !== time || ch.ids[i] !== id) return false;
    ch.times.splice(i, 1);
    ch.ids.splice(i, 1);
    if (ch.times.length === 0) this.chunks.splice(c, 1);
    this.count -= 1;
    return true;
  }

  /** The position just before `p`, or undefined at the start. */
  private previous(p: Pos): Pos | undefined {
    if (p.i > 0) return { c: p.c, i: p.i - 1 };
    if (p.c === 0) return undefined;
    return { c: p.c - 1, i: this.chunks[p.c - 1].times.length - 1 };
  }

  /**
   * Entries with `from <= time <= to`, newest first. `before` (a (time, id) cursor) resumes a
   * walk: only entries strictly older than it are yielded. The index must not change while a
   * walk is in progress.
   */
  *descending(from: number, to: number, before?: { time: number; id: string }): Generator<{ time: number; id: string }> {
    let end = this.first((t) => t > to);
    if (before) {
      const cursor = this.first(atLeast(before.time, before.id));
      if (cursor.c < end.c || (cursor.c === end.c && cursor.i < end.i)) end = cursor;
    }
    for (let p = this.previous(end); p; ) {
      const ch = this.chunks[p.c];
      for (let i = p.i; i >= 0; i--) {
        const time = ch.times[i];
        if (time < from) return;
        yield { time, id: ch.ids[i] };
      }
      p = p.c > 0 ? { c: p.c - 1, i: this.chunks[p.c - 1].times.length - 1 } : undefined;
    }
  }
}
