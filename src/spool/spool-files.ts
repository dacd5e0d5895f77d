import fs from 'node:fs';
import path from 'node:path';
import { DOC, parseRecords, type SpoolRecord } from './spool-record.js';
import { SeqRanges, runsOf } from './seq-ranges.js';

/** Only files named like this are ours: anything else in the directory is never read or deleted. */
const FILE_PATTERN = /^xrayd-spool-([0-9a-f]{12})\.log$/;
const READ_CHUNK = 256 * 1024;
/** One read buffer, reused: records are copied out as strings, and a fresh 256 KB per chunk showed as RSS growth during replay. */
const readBuffer = Buffer.allocUnsafeSlow(READ_CHUNK);

/** Files are numbered in creation order (the name sorts as the number does). */
export function spoolFileName(fileNo: number): string {
  return `xrayd-spool-${fileNo.toString(16).padStart(12, '0')}.log`;
}

/** The number in a spool file's name. */
export function spoolFileNo(filePath: string): number {
  const m = FILE_PATTERN.exec(path.basename(filePath));
  return m ? parseInt(m[1], 16) : 0;
}

/** One spool file as the spool tracks it in memory (its documents' text stays on disk). */
export interface SpoolFile {
  path: string;
  /** Valid bytes (a torn tail after a crash is not counted, and is never appended to). */
  bytes: number;
  /** When the file was started (epoch ms; for recovered files, their last modification). */
  startedAt: number;
  /** Document records in the file, and how many of them are settled (delivered, refused or dropped). */
  docs: number;
  settled: number;
  firstSeq: number;
  lastSeq: number;
}

/**
 * Reads records of `file` from `offset` in chunks of at most 256 KB (memory stays bounded however
 * large the file); returns the offset after the last complete record read and the corrupt bytes skipped.
 * `stop` returning true ends the read after the current chunk; `onRecord` returning false ends it
 * before that record (which the returned offset then points at, `stopped` true).
 */
export function readRecords(
  file: SpoolFile,
  offset: number,
  onRecord: (r: SpoolRecord) => boolean | void,
  stop: () => boolean = () => false,
): { offset: number; corruptBytes: number; stopped: boolean } {
  let corruptBytes = 0;
  let stopped = false;
  const fd = fs.openSync(file.path, 'r');
  try {
    while (offset < file.bytes && !stop() && !stopped) {
      const want = Math.min(READ_CHUNK, file.bytes - offset);
      const chunk = readBuffer.subarray(0, fs.readSync(fd, readBuffer, 0, want, offset));
      if (chunk.length === 0) break;
      const more = offset + chunk.length < file.bytes;
      let res = parseRecords(chunk, more, onRecord);
      if (res.consumed === 0 && more && !res.stopped) {
        // one record longer than the chunk: read exactly it
        const big = Buffer.allocUnsafe(Math.min(file.bytes - offset, 2 * 1024 * 1024));
        res = parseRecords(big.subarray(0, fs.readSync(fd, big, 0, big.length, offset)), false, onRecord);
      }
      corruptBytes += res.corruptBytes;
      offset += res.consumed;
      stopped = res.stopped;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { offset, corruptBytes, stopped };
}

export interface Recovered {
  files: SpoolFile[];
  /** Sequence numbers acknowledged by an earlier run (the reader skips them). */
  acked: SeqRanges;
  /** Documents on disk not yet settled: to be replayed. */
  unsettled: number;
  firstUnsettledSeq: number;
  nextSeq: number;
  corruptBytes: number;
}

/**
 * Scans the spool directory at start: every file of ours, oldest first, its documents and acks.
 * Files whose documents are all settled are deleted; a torn or corrupt stretch is skipped and counted.
 */
export function recoverSpool(dir: string): Recovered {
  const names = fs.readdirSync(dir).filter((n) => FILE_PATTERN.test(n)).sort();
  const acked = new SeqRanges();
  const scanned: { file: SpoolFile; runs: [number, number][] }[] = [];
  let corruptBytes = 0;
  let nextSeq = 1;
  for (const name of names) {
    const p = path.join(dir, name);
    const { size, mtimeMs } = fs.statSync(p);
    const file: SpoolFile = { path: p, bytes: size, startedAt: mtimeMs, docs: 0, settled: 0, firstSeq: Infinity, lastSeq: -1 };
    const seqs: number[] = [];
    const res = readRecords(file, 0, (r) => {
      if (r.type === DOC) {
        seqs.push(r.seq);
        file.docs++;
        file.firstSeq = Math.min(file.firstSeq, r.seq);
        file.lastSeq = Math.max(file.lastSeq, r.seq);
      } else acked.add(r.seq, r.count);
      nextSeq = Math.max(nextSeq, r.seq + (r.type === DOC ? 1 : r.count));
    });
    corruptBytes += res.corruptBytes + (size - res.offset);
    file.bytes = res.offset;
    scanned.push({ file, runs: runsOf(seqs) });
  }
  const files: SpoolFile[] = [];
  let unsettled = 0;
  let firstUnsettledSeq = nextSeq;
  for (const { file, runs } of scanned) {
    for (const [from, count] of runs) {
      for (let s = from; s < from + count; s++) {
        if (acked.has(s)) file.settled++;
        else firstUnsettledSeq = Math.min(firstUnsettledSeq, s);
      }
    }
    // only from the front: a file's acks cover its own and older files' documents, so a newer file is
    // kept until every older one is gone (else a second crash would replay what it had acknowledged)
    if (file.settled === file.docs && files.length === 0) {
      fs.rmSync(file.path, { force: true });
      continue;
    }
    unsettled += file.docs - file.settled;
    files.push(file);
  }
  return { files, acked, unsettled, firstUnsettledSeq, nextSeq, corruptBytes };
}

/** The texts of `file`'s documents in [fromSeq, beforeSeq) not acknowledged: what deleting it loses. */
export function undeliveredDocs(file: SpoolFile, fromSeq: number, beforeSeq: number, acked: SeqRanges): string[] {
  const texts: string[] = [];
  try {
    readRecords(file, 0, (r) => {
      if (r.type === DOC && r.seq >= fromSeq && r.seq < beforeSeq && !acked.has(r.seq)) texts.push(r.text);
    });
  } catch {
    // unreadable: its documents are counted as lost when the reader comes up short
  }
  return texts;
}
