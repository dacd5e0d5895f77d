/**
 * Pre-built datagrams for the load generator. Each template is a complete datagram (header line +
 * a ~600-byte segment document) with fixed-width hex slots the generator patches in place: the
 * segment id (run tag, sender, sequence), the trace id's random part, and the send time. Patching a
 * copy of a template costs far less than building JSON per datagram, so the generator measures the
 * daemon, not itself. The sink reads the same slots back with a byte scan.
 */
export const HEADER = '{"format":"json","version":1}\n';
/** The send time: microseconds of `process.hrtime` (CLOCK_MONOTONIC, shared by all processes). */
export const STAMP_KEY = '"bench_t":"';
export const ID_KEY = '"id":"';

export interface Template {
  datagram: Buffer;
  idOffset: number;
  traceOffset: number;
  stampOffset: number;
  /** `start_time` and `end_time`: 17 characters each (`1764222000.123456`), rewritten per datagram. */
  startOffset: number;
  endOffset: number;
}

/** Width of an epoch-seconds time with 6 decimals (10 integer digits until the year 2286). */
export const TIME_WIDTH = 17;
/** Every segment lasts this long: start = send time - DURATION. */
export const DURATION_MICROS = 50_000;

/** How a segment id encodes where it came from: 2 hex run tag, 2 hex sender, 12 hex sequence. */
export function segmentId(tag: number, sender: number, seq: number): string {
  return hex(tag, 2) + hex(sender, 2) + hex(seq, 12);
}

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').slice(-width);
}

/** Monotonic microseconds, comparable across processes on one machine. */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * `variants` templates with different services, status codes and annotations (so local-store
 * queries have something to filter on), each padded to about `targetBytes` of datagram.
 */
export function buildTemplates(variants: number, targetBytes: number, epochSeconds = Date.now() / 1000): Template[] {
  const out: Template[] = [];
  for (let v = 0; v < variants; v++) {
    const status = v % 10 === 9 ? 500 : v % 10 === 8 ? 404 : 200;
    const doc = {
      name: `svc-${v % 10}`,
      id: 'I'.repeat(16),
      trace_id: `1-${hex(Math.floor(epochSeconds), 8)}-${'R'.repeat(24)}`,
      start_time: 'S'.repeat(TIME_WIDTH),
      end_time: 'E'.repeat(TIME_WIDTH),
      origin: 'AWS::EC2::Instance',
      http: {
        request: { method: v % 3 === 0 ? 'POST' : 'GET', url: `https://bench.example.com/api/v1/items/${v}`, client_ip: '10.0.0.1', user_agent: 'bench/1.0' },
        response: { status, content_length: 512 },
      },
      fault: status >= 500,
      error: status >= 400 && status < 500,
      annotations: { tier: v % 2 === 0 ? 'gold' : 'silver', shard: v },
      metadata: { bench: { bench_t: 'T'.repeat(16), pad: '' } },
    };
    // the time slots are numbers in the document: drop the quotes around their placeholders
    const render = () => (HEADER + JSON.stringify(doc)).replace(`"${'S'.repeat(TIME_WIDTH)}"`, (epochSeconds - 0.05).toFixed(6)).replace(`"${'E'.repeat(TIME_WIDTH)}"`, epochSeconds.toFixed(6));
    let text = render();
    const padBy = Math.max(0, targetBytes - Buffer.byteLength(text));
    doc.metadata.bench.pad = 'p'.repeat(padBy);
    text = render();
    const datagram = Buffer.from(text);
    out.push({
      datagram,
      idOffset: text.indexOf(ID_KEY + 'I') + ID_KEY.length,
      traceOffset: text.indexOf('R'.repeat(24)),
      stampOffset: text.indexOf(STAMP_KEY) + STAMP_KEY.length,
      startOffset: text.indexOf('"start_time":') + '"start_time":'.length,
      endOffset: text.indexOf('"end_time":') + '"end_time":'.length,
    });
  }
  return out;
}

const HEX = Buffer.from('0123456789abcdef');

/** Writes `n` (< 2^53) as `width` lowercase hex digits at `offset`. */
export function writeHex(buf: Buffer, offset: number, n: number, width: number): void {
  for (let i = offset + width - 1; i >= offset; i--) {
    buf[i] = HEX[n % 16];
    n = Math.floor(n / 16);
  }
}

/** Reads `width` hex digits at `offset`; NaN if any is not a hex digit. */
export function readHex(buf: Buffer, offset: number, width: number): number {
  let n = 0;
  for (let i = offset; i < offset + width; i++) {
    const c = buf[i];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (d < 0) return NaN;
    n = n * 16 + d;
  }
  return n;
}

/** Writes epoch microseconds as `SSSSSSSSSS.uuuuuu` at `offset`. */
export function writeTime(buf: Buffer, offset: number, micros: number): void {
  let n = Math.floor(micros);
  for (let i = offset + TIME_WIDTH - 1; i >= offset; i--) {
    if (i === offset + 10) {
      buf[i] = 0x2e;
      continue;
    }
    buf[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
}

const WALL_ORIGIN_MICROS = (performance.timeOrigin + performance.now()) * 1000 - nowMicros();

/** A datagram from template `t`: a copy with id, trace id and send time filled in. */
export function stamp(t: Template, tag: number, sender: number, seq: number): Buffer {
  const buf = Buffer.allocUnsafe(t.datagram.length);
  t.datagram.copy(buf);
  writeHex(buf, t.idOffset, tag, 2);
  writeHex(buf, t.idOffset + 2, sender, 2);
  writeHex(buf, t.idOffset + 4, seq, 12);
  writeHex(buf, t.traceOffset, tag * 256 + sender, 12);
  writeHex(buf, t.traceOffset + 12, seq, 12);
  const mono = nowMicros();
  writeHex(buf, t.stampOffset, mono, 16);
  const wall = WALL_ORIGIN_MICROS + mono;
  writeTime(buf, t.startOffset, wall - DURATION_MICROS);
  writeTime(buf, t.endOffset, wall);
  return buf;
}
