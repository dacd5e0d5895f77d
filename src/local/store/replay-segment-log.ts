/**
 * Replays the store log at start: every intact record is handed over in order; records whose
 * checksum does not match are skipped and counted; a torn last line (a crash mid-write) is cut off
 * so the next append starts on a fresh line. A non-empty file without the header is refused
 * untouched, so pointing `--store-path` at some other file cannot damage it.
 */
import { open } from 'node:fs/promises';
import { MAGIC, StoreLogFormatError, decodeRecord } from './log-record.js';

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
/** A line longer than this is garbage (the API caps a document well below it): skipped unread. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export interface ReplayReport {
  records: number;
  /** Lines skipped for a bad checksum (corruption or a torn write). */
  corrupt: number;
  /** Bytes cut from the end (a torn last record). */
  truncatedBytes: number;
  /** Log size after replay. */
  bytes: number;
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

