import { HAS_ID, HAS_TRACE, SEGMENT_BYTES, TRACE_BYTES, formatTraceId, scanIds, type Doc } from './id-scan.js';
import { DetailTable } from './detail-table.js';

export const LEDGER_EVENTS = ['received', 'rejected', 'spooled', 'sent', 'unprocessed', 'dropped'] as const;
export type LedgerEvent = (typeof LEDGER_EVENTS)[number];

/** One fixed-size record: trace id 16 | segment id 8 | time f64 8 | event 1 | flags 1 | detail slot 2 | detail generation 4. */
export const ENTRY_BYTES = 40;
const T_OFF = 0;
const TIME_OFF = 24;
const EVENT_OFF = 32;
const FLAGS_OFF = 33;
const SLOT_OFF = 34;
const GEN_OFF = 36;

export interface LedgerSegment {
  id: string;
  events: { at: string; event: LedgerEvent; detail: string }[];
}

/**
 * What happened to each segment, in a fixed ring of `ENTRY_BYTES` records (the oldest overwritten):
 * allocated once, so its memory is known up front and nothing grows with traffic. Routine events
 * (received, spooled, sent) and trouble (rejected, unprocessed, dropped) have separate rings, so a
 * flood of healthy traffic does not wipe out the record of what went wrong. Ids come from a byte
 * scan of the document (`id-scan.ts`); a document without a readable trace id is recorded but cannot be looked up.
 */
export class TraceLedger {
  private readonly routine: Ring;
  private readonly trouble: Ring;
  private readonly details = new DetailTable(1024);

  constructor(
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    const entries = Math.max(16, Math.floor(maxBytes / ENTRY_BYTES));
    const troubleEntries = Math.max(8, Math.floor(entries / 4));
    this.routine = new Ring(entries - troubleEntries);
    this.trouble = new Ring(troubleEntries);
  }

  /** Records `event` for the segment in `doc` (a Buffer or string; scanned, not parsed). */
  record(doc: Doc, event: LedgerEvent, detail = ''): void {
    const ring = event === 'received' || event === 'spooled' || event === 'sent' ? this.routine : this.trouble;
    const buf = ring.buf;
    const o = ring.next();
    const flags = scanIds(doc, buf, o + T_OFF);
    if (!(flags & HAS_TRACE)) buf.fill(0, o, o + TRACE_BYTES);
    buf.writeDoubleLE(this.now(), o + TIME_OFF);
    buf[o + EVENT_OFF] = LEDGER_EVENTS.indexOf(event);
    buf[o + FLAGS_OFF] = flags;
    const { slot, generation } = this.details.intern(detail);
    buf.writeUInt16LE(slot, o + SLOT_OFF);
    buf.writeUInt32LE(generation, o + GEN_OFF);
  }

  /** Every recorded event of this trace (16-byte id), grouped by segment, oldest first; undefined when none. */
  lookup(traceId: Uint8Array): { traceId: string; segments: LedgerSegment[] } | undefined {
    const rows: { seg: string; at: number; event: LedgerEvent; detail: string }[] = [];
    for (const ring of [this.routine, this.trouble]) {
      const buf = ring.buf;
      for (let o = 0; o < ring.used * ENTRY_BYTES; o += ENTRY_BYTES) {
        if (!(buf[o + FLAGS_OFF] & HAS_TRACE) || !sameBytes(buf, o, traceId)) continue;
        const seg = buf[o + FLAGS_OFF] & HAS_ID ? buf.toString('hex', o + TRACE_BYTES, o + TRACE_BYTES + SEGMENT_BYTES) : '(no id)';
        const detail = this.details.get(buf.readUInt16LE(o + SLOT_OFF), buf.readUInt32LE(o + GEN_OFF));
        rows.push({ seg, at: buf.readDoubleLE(o + TIME_OFF), event: LEDGER_EVENTS[buf[o + EVENT_OFF]], detail });
      }
    }
    if (rows.length === 0) return undefined;
    rows.sort((a, b) => a.at - b.at || LEDGER_EVENTS.indexOf(a.event) - LEDGER_EVENTS.indexOf(b.event));
    const bySegment = new Map<string, LedgerSegment>();
    for (const r of rows) {
      let s = bySegment.get(r.seg);
      if (!s) bySegment.set(r.seg, (s = { id: r.seg, events: [] }));
      s.events.push({ at: new Date(r.at).toISOString(), event: r.event, detail: r.detail });
    }
    return { traceId: formatTraceId(traceId), segments: [...bySegment.values()] };
  }

  /** How many events each ring holds at most (documented in the README). */
  get capacity(): { routine: number; trouble: number } {
    return { routine: this.routine.size, trouble: this.trouble.size };
  }
}

function sameBytes(buf: Buffer, o: number, id: Uint8Array): boolean {
  for (let i = 0; i < TRACE_BYTES; i++) if (buf[o + i] !== id[i]) return false;
  return true;
}

class Ring {
  readonly buf: Buffer;
  private pos = 0;
  used = 0;
  constructor(readonly size: number) {
    this.buf = Buffer.alloc(size * ENTRY_BYTES);
  }
  /** Offset of the slot to write (the oldest once full). */
  next(): number {
    const o = this.pos * ENTRY_BYTES;
    this.pos = (this.pos + 1) % this.size;
    if (this.used < this.size) this.used++;
    return o;
  }
}
