import { crc32 } from 'node:zlib';

/**
 * The spool's on-disk record: `XRS1` | type u8 | payload length u32 | CRC-32 of type+payload u32 | payload.
 * A document record's payload is its sequence number (u48) and the document's bytes; an ack record's
 * is the first sequence number (u48) and a count (u32) of documents that were delivered or refused.
 * The magic lets a reader find the next record after a torn or corrupt one.
 */
export const MAGIC = Buffer.from('XRS1');
export const HEADER_BYTES = 13;
export const DOC = 1;
export const ACK = 2;
/** No record is larger (a datagram is at most 64 KB); a length past this is corruption. */
export const MAX_PAYLOAD = 1024 * 1024;

export function encodeDoc(seq: number, doc: string | Buffer): Buffer {
  const len = 6 + (typeof doc === 'string' ? Buffer.byteLength(doc) : doc.length);
  const buf = Buffer.allocUnsafe(HEADER_BYTES + len);
  buf.writeUIntLE(seq, HEADER_BYTES, 6);
  if (typeof doc === 'string') buf.write(doc, HEADER_BYTES + 6);
  else doc.copy(buf, HEADER_BYTES + 6);
  return seal(buf, DOC, len);
}

export function encodeAck(seq: number, count: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + 10);
  buf.writeUIntLE(seq, HEADER_BYTES, 6);
  buf.writeUInt32LE(count, HEADER_BYTES + 6);
  return seal(buf, ACK, 10);
}

function seal(buf: Buffer, type: number, len: number): Buffer {
  MAGIC.copy(buf, 0);
  buf[4] = type;
  buf.writeUInt32LE(len, 5);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER_BYTES, HEADER_BYTES + len), crc32(buf.subarray(4, 5))), 9);
  return buf;
}

export type SpoolRecord = { type: typeof DOC; seq: number; text: string } | { type: typeof ACK; seq: number; count: number };

/**
 * Parses the records in `buf`; returns how far complete records reach (a record cut off at the end
 * is left for the next read when `more` says the file goes on) and how many bytes were skipped as corrupt.
 * `onRecord` returning false stops before that record: it is not consumed, and `stopped` is true.
 */
export function parseRecords(
  buf: Buffer,
  more: boolean,
  onRecord: (r: SpoolRecord, offset: number) => boolean | void,
): { consumed: number; corruptBytes: number; stopped: boolean } {
  let pos = 0;
  let corruptBytes = 0;
  const resync = () => {
    const next = buf.indexOf(MAGIC, pos + 1);
    const to = next < 0 ? buf.length : next;
    corruptBytes += to - pos;
    pos = to;
  };
  while (pos < buf.length) {
    if (buf.length - pos < HEADER_BYTES) {
      if (more) break;
      resync();
      continue;
    }
    const type = buf[pos + 4];
    const len = buf.readUInt32LE(pos + 5);
    if (buf.compare(MAGIC, 0, 4, pos, pos + 4) !== 0 || (type !== DOC && type !== ACK) || len > MAX_PAYLOAD || len < (type === DOC ? 6 : 10)) {
      resync();
      continue;
    }
    const end = pos + HEADER_BYTES + len;
    if (end > buf.length) {
      if (more) break;
      resync(); // a torn tail (crash mid-write)
      continue;
    }
    const body = buf.subarray(pos + HEADER_BYTES, end);
    if (crc32(body, crc32(buf.subarray(pos + 4, pos + 5))) !== buf.readUInt32LE(pos + 9)) {
      resync();
      continue;
    }
    const seq = body.readUIntLE(0, 6);
    const record: SpoolRecord = type === DOC ? { type: DOC, seq, text: body.toString('utf8', 6) } : { type: ACK, seq, count: body.readUInt32LE(6) };
    if (onRecord(record, pos) === false) return { consumed: pos, corruptBytes, stopped: true };
    pos = end;
  }
  return { consumed: pos, corruptBytes, stopped: false };
}
