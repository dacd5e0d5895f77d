/**
 * The store's append-only persistence log: a header line (`MAGIC`), then one record per line,
 * `<crc32 as 8 hex> <document JSON>\n`. A non-empty file without the header is refused untouched,
 * so pointing `--store-path` at some other file cannot damage it.
 *
 * Crash safety: records are only ever appended, so a crash mid-write can at worst leave a torn last
 * line; replay skips any line whose checksum does not match (and a final line without its newline),
 * and the torn tail is cut off before new records are appended. Compaction writes the live documents
 * to `<path>.tmp`, fsyncs it and renames it over the log, so the log is always either the old or the
 * new complete file. Writes are synchronous `write(2)` calls (a batch per call): a process crash
 * loses nothing already written; an OS crash may lose what the page cache had not flushed.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync, fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { StoreJournal } from './trace-store.js';

/** By default compaction waits until the log holds at least this much. */
export const DEFAULT_COMPACT_MIN_BYTES = 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
/** A line longer than this is garbage (the API caps a document well below it): skipped unread. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export const MAGIC = 'xrayd-store-log v1\n';

/** The file at the store path is not a store log. */
export class StoreLogFormatError extends Error {
  readonly code = 'STORE_LOG_FORMAT';
  constructor(readonly path: string) {
    super(`${path} is not an xrayd store log (it does not start with "${MAGIC.trim()}"); refusing to modify it`);
    this.name = 'StoreLogFormatError';
  }
}

export interface ReplayReport {
  records: number;
  /** Lines skipped for a bad checksum (corruption or a torn write). */
  corrupt: number;
  /** Bytes cut from the end (a torn last record). */
  truncatedBytes: number;
  /** Log size after replay. */
  bytes: number;
}

/** Encodes one record. Literal newlines in valid JSON are whitespace, so a space replaces them. */
export function encodeRecord(text: string): string {
  const line = text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, ' ') : text;
  return `${crc32(line).toString(16).padStart(8, '0')} ${line}\n`;
}

function decodeRecord(line: Buffer): string | undefined {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const expected = parseInt(line.subarray(0, 8).toString('latin1'), 16);
  const body = line.subarray(9);
  if (!Number.isInteger(expected) || crc32(body) !== expected) return undefined;
  return body.toString('utf8');
}

/**
 * Reads every intact record of the log at `path` (a missing file is an empty log), calling
 * `onRecord` for each, then cuts a torn tail off the file.
 */
export async function replaySegmentLog(path: string, onRecord: (text: string) => void): Promise<ReplayReport> {
  const report: ReplayReport = { records: 0, corrupt: 0, truncatedBytes: 0, bytes: 0 };
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw err;
  }
  try {
    let carry: Buffer = Buffer.alloc(0);
    const head = Buffer.alloc(MAGIC.length);
    const { bytesRead: headBytes } = await handle.read(head, 0, MAGIC.length, 0);
    const headText = head.subarray(0, headBytes).toString('latin1');
    if (headText !== MAGIC) {
      // An empty file, or a header torn by a crash right after creation, is an empty log.
      if (MAGIC.startsWith(headText) && (await handle.stat()).size === headBytes) {
        await handle.truncate(0);
        return report;
      }
      throw new StoreLogFormatError(path);
    }
    let offset = MAGIC.length; // file offset of carry[0]
    let skipFrom = -1; // file offset where an over-long line began (its bytes are not kept)
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, offset + carry.length);
      if (bytesRead === 0) break;
      const data: Buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : Buffer.from(chunk.subarray(0, bytesRead));
      let start = 0;
      for (let nl = data.indexOf(NEWLINE, start); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        const text = skipFrom >= 0 ? undefined : decodeRecord(data.subarray(start, nl));
        skipFrom = -1;
        if (text === undefined) report.corrupt += 1;
        else {
          report.records += 1;
          onRecord(text);
        }
        start = nl + 1;
      }
      carry = data.subarray(start);
      offset += start;
      if (carry.length > MAX_RECORD_BYTES) {
        if (skipFrom < 0) skipFrom = offset;
        offset += carry.length;
        carry = Buffer.alloc(0);
      }
    }
    // A last line without its newline is a torn write: even if it checks out, cut it so the next
    // append starts on a fresh line.
    const tornFrom = skipFrom >= 0 ? skipFrom : offset;
    const end = offset + carry.length;
    if (end > tornFrom) {
      report.corrupt += 1;
      report.truncatedBytes = end - tornFrom;
      await handle.truncate(tornFrom);
    }
    offset = tornFrom;
    report.bytes = offset;
  } finally {
    await handle.close();
  }
  return report;
}

/** The append side of the log, plugged into the store as its journal. */
export class SegmentLog implements StoreJournal {
  private fd: number | undefined;
  private size: number;
  compactions = 0;

  constructor(
    private readonly path: string,
    private readonly compactMinBytes = DEFAULT_COMPACT_MIN_BYTES,
  ) {
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
    if (this.size === 0) {
      writeSync(this.fd, MAGIC);
      this.size = MAGIC.length;
    }
  }

  /** Current log size in bytes. */
  get bytes(): number {
    return this.size;
  }

  append(texts: readonly string[]): void {
    if (this.fd === undefined) return;
    let out = '';
    for (const t of texts) out += encodeRecord(t);
    const buf = Buffer.from(out);
    let written = 0;
    while (written < buf.length) written += writeSync(this.fd, buf, written);
    this.size += buf.length;
  }

  afterBatch(liveBytes: number, liveTexts: () => Iterable<string>): void {
    if (this.size > this.compactMinBytes && this.size > 2 * liveBytes) this.compact(liveTexts());
  }

  /** Rewrites the log with only the given documents (temp file + fsync + rename). */
  compact(texts: Iterable<string>): void {
    if (this.fd === undefined) return;
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    let size = 0;
    try {
      let out = MAGIC;
      const flush = (): void => {
        const buf = Buffer.from(out);
        let written = 0;
        while (written < buf.length) written += writeSync(fd, buf, written);
        size += buf.length;
        out = '';
      };
      for (const t of texts) {
        out += encodeRecord(t);
        if (out.length > CHUNK_BYTES) flush();
      }
      flush();
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    this.size = size;
    this.compactions += 1;
  }

  /** Flushes to disk and closes; idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

