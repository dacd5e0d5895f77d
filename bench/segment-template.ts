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
}

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
      start_time: Number((epochSeconds - 0.05).toFixed(6)),
      end_time: Number(epochSeconds.toFixed(6)),
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
    let text = HEADER + JSON.stringify(doc);
    const padBy = Math.max(0, targetBytes - Buffer.byteLength(text));
    doc.metadata.bench.pad = 'p'.repeat(padBy);
    text = HEADER + JSON.stringify(doc);
    const datagram = Buffer.from(text);
    out.push({
      datagram,
      idOffset: text.indexOf(ID_KEY + 'I') + ID_KEY.length,
      traceOffset: text.indexOf('R'.repeat(24)),
      stampOffset: text.indexOf(STAMP_KEY) + STAMP_KEY.length,
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

/** A datagram from template `t`: a copy with id, trace id and send time filled in. */
export function stamp(t: Template, tag: number, sender: number, seq: number): Buffer {
  const buf = Buffer.allocUnsafe(t.datagram.length);
  t.datagram.copy(buf);
  writeHex(buf, t.idOffset, tag, 2);
  writeHex(buf, t.idOffset + 2, sender, 2);
  writeHex(buf, t.idOffset + 4, seq, 12);
  writeHex(buf, t.traceOffset, tag * 256 + sender, 12);
  writeHex(buf, t.traceOffset + 12, seq, 12);
  writeHex(buf, t.stampOffset, nowMicros(), 16);
  return buf;
}
