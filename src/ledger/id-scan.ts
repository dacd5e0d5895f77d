/**
 * Finds a segment document's `trace_id` and `id` by scanning its bytes, without parsing it: the relay
 * never parses documents, and the ledger must not start doing so on the hot path. The scan takes the
 * first `"trace_id"` and the first `"id"` key (SDKs write the segment's own id before any
 * subsegments); whitespace around the colon is allowed. Works on a Buffer or a string alike.
 */
export type Doc = string | Uint8Array;

/** Bytes of a trace id `1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx` without its version and dashes. */
export const TRACE_BYTES = 12 + 4;
export const SEGMENT_BYTES = 8;

const TRACE_KEY = '"trace_id"';
const ID_KEY = '"id"';
const KEY_BYTES = new Map([TRACE_KEY, ID_KEY].map((k) => [k, Buffer.from(k)]));
const COLON = 0x3a;
const QUOTE = 0x22;

function at(doc: Doc, i: number): number {
  return typeof doc === 'string' ? doc.charCodeAt(i) : doc[i];
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index just after the opening quote of `key`'s string value, or -1 (tries a few occurrences). */
function valueStart(doc: Doc, key: string): number {
  let from = 0;
  for (let tries = 0; tries < 4; tries++) {
    const k = typeof doc === 'string' ? doc.indexOf(key, from) : Buffer.prototype.indexOf.call(doc, KEY_BYTES.get(key)!, from);
    if (k < 0) return -1;
    let i = k + key.length;
    while (i < doc.length && isSpace(at(doc, i))) i++;
    if (at(doc, i) === COLON) {
      i++;
      while (i < doc.length && isSpace(at(doc, i))) i++;
      if (at(doc, i) === QUOTE) return i + 1;
    }
    from = k + key.length; // a value or an unrelated key that happens to read "id": look further
  }
  return -1;
}

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Decodes `count` hex bytes of `doc` at `i` into `out[o..]`; false if any is not hex. */
function hexInto(doc: Doc, i: number, count: number, out: Uint8Array, o: number): boolean {
  if (i + count * 2 > doc.length) return false;
  for (let b = 0; b < count; b++) {
    const hi = nibble(at(doc, i + 2 * b));
    const lo = nibble(at(doc, i + 2 * b + 1));
    if (hi < 0 || lo < 0) return false;
    out[o + b] = (hi << 4) | lo;
  }
  return true;
}

/** Parses `1-xxxxxxxx-x{24}` at `i` of `doc` into `out[o..o+16)`; false when it is not one. */
export function traceIdInto(doc: Doc, i: number, out: Uint8Array, o: number): boolean {
  if (at(doc, i) !== 0x31 || at(doc, i + 1) !== 0x2d || at(doc, i + 10) !== 0x2d) return false;
  if (at(doc, i + 35) !== QUOTE && i + 35 !== doc.length) return false;
  return hexInto(doc, i + 2, 4, out, o) && hexInto(doc, i + 11, 12, out, o + 4);
}

export const HAS_TRACE = 1;
export const HAS_ID = 2;

/**
 * Writes the trace id (16 bytes) at `out[o..]` and the segment id (8 bytes) at `out[o+16..]`;
 * returns which were found (HAS_TRACE | HAS_ID).
 */
export function scanIds(doc: Doc, out: Uint8Array, o: number): number {
  let found = 0;
  const t = valueStart(doc, TRACE_KEY);
  if (t >= 0 && traceIdInto(doc, t, out, o)) found |= HAS_TRACE;
  const s = valueStart(doc, ID_KEY);
  if (s >= 0 && at(doc, s + 16) === QUOTE && hexInto(doc, s, SEGMENT_BYTES, out, o + TRACE_BYTES)) found |= HAS_ID;
  return found;
}

/** The 16 bytes of a trace id typed by a user, or undefined when it is not a trace id. */
export function parseTraceId(text: string): Uint8Array | undefined {
  const out = new Uint8Array(TRACE_BYTES);
  return text.length === 35 && traceIdInto(text, 0, out, 0) ? out : undefined;
}

export function formatTraceId(bytes: Uint8Array, o = 0): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + o, TRACE_BYTES).toString('hex');
  return `1-${hex.slice(0, 8)}-${hex.slice(8)}`;
}
