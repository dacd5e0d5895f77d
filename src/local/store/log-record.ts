/**
 * The store log's on-disk format: a header line (`MAGIC`), then one record per line,
 * `<crc32 of the document as 8 hex> <document JSON>\n`. A line is self-checking, so a torn or
 * damaged record is recognised and skipped on replay.
 */
import { writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

export const MAGIC = 'xrayd-store-log v1\n';

/** The file at the store path is not a store log. */
export class StoreLogFormatError extends Error {
  readonly code = 'STORE_LOG_FORMAT';
  constructor(readonly path: string) {
    super(`${path} is not an xrayd store log (it does not start with "${MAGIC.trim()}"); refusing to modify it`);
    this.name = 'StoreLogFormatError';
  }
}

/**
 * The record kind: a segment document, or (starting with this prefix) a state record of the local
 * X-Ray API (groups, tags, rules, settings, policies, insights; src/local/state/). Segment
 * documents carrying the `$xrayd` key are refused at intake, so the two never mix.
 */
export const STATE_RECORD_PREFIX = '{"$xrayd":"state"';

export function isStateRecord(text: string): boolean {
  return text.startsWith(STATE_RECORD_PREFIX);
}

/** Encodes one record. Literal newlines in valid JSON are whitespace, so a space replaces them. */
export function encodeRecord(text: string): string {
  const line = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, ' ') : text;
  return `${crc32(line).toString(16).padStart(8, '0')} ${line}\n`;
}

export function decodeRecord(line: Buffer): string | undefined {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const expected = parseInt(line.subarray(0, 8).toString('latin1'), 16);
  const body = line.subarray(9);
  if (!Number.isInteger(expected) || crc32(body) !== expected) return undefined;
  return body.toString('utf8');
}


/** Writes all of `text` to `fd` synchronously (write(2) may write less than asked); returns its bytes. */
export function writeAll(fd: number, text: string): number {
  const buf = Buffer.from(text);
  let written = 0;
  while (written < buf.length) written += writeSync(fd, buf, written);
  return buf.length;
}
