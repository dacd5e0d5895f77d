import { DOC } from './spool-record.js';
import { readRecords, type SpoolFile } from './spool-files.js';
import type { SpoolDisk } from './spool-disk.js';
import type { SeqRanges } from './seq-ranges.js';

export interface DiskDoc {
  seq: number;
  text: string;
}

/**
 * Reads the spool's documents back in order, a chunk (≤ 256 KB) at a time and only when the
 * dispatcher asks for a batch, so replaying a large spool never holds more than one chunk in memory.
 * Skips what needs no delivery: documents before `fromSeq` (taken already) or acknowledged (by an
 * earlier run, or taken from memory meanwhile), and stops at the first at/after `beforeSeq`
 * (still in memory).
 */
export class SpoolReader {
  private file: SpoolFile | undefined;
  private offset = 0;
  private ahead: DiskDoc[] = [];
  private aheadPos = 0;
  corruptBytes = 0;

  constructor(
    private readonly disk: SpoolDisk,
    private readonly acked: SeqRanges,
  ) {}

  next(fromSeq: number, beforeSeq: number): DiskDoc | undefined {
    for (;;) {
      while (this.aheadPos < this.ahead.length) {
        const d = this.ahead[this.aheadPos++];
        if (d.seq >= fromSeq && d.seq < beforeSeq) return d;
      }
      this.ahead = [];
      this.aheadPos = 0;
      const files = this.disk.files;
      if (!this.file || !files.includes(this.file)) {
        this.file = files.find((f) => f.lastSeq >= fromSeq);
        this.offset = 0;
      }
      const file = this.file;
      if (!file) return undefined;
      if (this.offset >= file.bytes) {
        if (file === this.disk.current) return undefined; // nothing more written yet
        const i = files.indexOf(file);
        this.file = files[i + 1];
        this.offset = 0;
        if (!this.file) return undefined;
        continue;
      }
      const res = readRecords(
        file,
        this.offset,
        (r) => {
          if (r.type !== DOC) return;
          // still in memory: not passed, since it may be left on disk only later (files are in seq order)
          if (r.seq >= beforeSeq) return false;
          if (r.seq >= fromSeq && !this.acked.has(r.seq)) this.ahead.push({ seq: r.seq, text: r.text });
        },
        () => this.ahead.length > 0,
      );
      this.corruptBytes += res.corruptBytes;
      if (res.stopped) {
        this.offset = res.offset;
        if (this.ahead.length === 0) return undefined;
      } else if (res.offset === this.offset) this.offset = file.bytes; // unreadable rest: skip it
      else this.offset = res.offset;
    }
  }

  /** Forgets the read position and what was read ahead (after files were deleted for space). */
  reset(): void {
    this.file = undefined;
    this.offset = 0;
    this.ahead = [];
    this.aheadPos = 0;
  }
}
