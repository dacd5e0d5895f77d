/**
 * Encodes store-log records (log-record.ts: `<crc32 as 8 hex> <text>\n`) straight into one reused
 * buffer, for compaction, which writes a million of them in a few seconds. `encodeRecord` builds
 * a header string, a padded copy, the line and then one big string per chunk that `Buffer.from`
 * flattens and copies again; at 1M documents that garbage is what made the collector pause the
 * event loop during compaction. Here each record costs only its UTF-8 bytes in the buffer; the
 * CRC is taken over those bytes (the same value `crc32(string)` gives) and its hex digits are
 * written byte by byte. The output is byte-identical to `encodeRecord`.
 */
import { crc32 } from 'node:zlib';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** `<8 hex> ` before the text and `\n` after it. */
const FRAME_BYTES = 10;
/** Room past `capacity`, so a record (a datagram is at most 64 KiB) started before `full` fits without growing. */
const SLACK_BYTES = 256 * 1024;

export class RecordBuffer {
  private buf: Buffer;
  private used = 0;

  /** `capacity`: bytes held before `full` turns true (a single larger record grows the buffer). */
  constructor(private readonly capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity + SLACK_BYTES);
  }

  get full(): boolean {
    return this.used >= this.capacity;
  }

  get length(): number {
    return this.used;
  }

  /** Appends raw text as is (the log's header line). */
  addRaw(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** Appends one record; like `encodeRecord`, literal newlines (JSON whitespace) become spaces. */
  add(text: string): void {
    const line = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, ' ') : text;
    // UTF-8 needs at most 3 bytes per UTF-16 unit; checking the bound avoids measuring each text
    this.reserve(line.length * 3 + FRAME_BYTES);
    const start = this.used;
    const bytes = this.buf.write(line, start + 9, 'utf8');
    const crc = crc32(this.buf.subarray(start + 9, start + 9 + bytes));
    for (let i = 0; i < 8; i++) this.buf[start + i] = HEX[(crc >>> (28 - 4 * i)) & 15];
    this.buf[start + 8] = 0x20;
    this.buf[start + 9 + bytes] = 0x0a;
    this.used = start + bytes + FRAME_BYTES;
  }

  /**
   * The bytes encoded so far, and a reset: the view is only valid until the next `add`, so the
   * caller writes it out (and awaits the write) first.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.used);
    this.used = 0;
    return out;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + bytes));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}
