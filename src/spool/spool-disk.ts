import fs from 'node:fs';
import path from 'node:path';
import { spoolFileName, spoolFileNo, type SpoolFile } from './spool-files.js';

const MB = 1024 * 1024;

/**
 * The spool's files: the oldest first, the last one open for appending. Writes are synchronous and
 * whole (a short write, e.g. at a file size limit, throws after cutting the file back to its last
 * complete record), so what the spool counts as written is really in the file and survives `kill -9`.
 * Files are deleted only from the front (see `recoverSpool`).
 */
export class SpoolDisk {
  private fd: number | undefined;
  private totalBytes: number;
  private nextFileNo: number;
  /** Past this, the current file is closed and the next write starts a new one. */
  readonly rotateBytes: number;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly files: SpoolFile[],
    private readonly now: () => number,
  ) {
    this.totalBytes = files.reduce((n, f) => n + f.bytes, 0);
    this.nextFileNo = Math.max(0, ...files.map((f) => spoolFileNo(f.path))) + 1;
    this.rotateBytes = Math.min(MB, Math.max(64 * 1024, Math.floor(maxBytes / 8)));
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** The file being appended to, if one is open. */
  get current(): SpoolFile | undefined {
    return this.fd === undefined ? undefined : this.files.at(-1);
  }

  /** The file holding document `seq`, if it is still on disk. */
  fileFor(seq: number): SpoolFile | undefined {
    let lo = 0;
    let hi = this.files.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = this.files[mid];
      if (seq < f.firstSeq) hi = mid - 1;
      else if (seq > f.lastSeq) lo = mid + 1;
      else return f;
    }
    return undefined;
  }

  /**
   * Appends `data` (whole records, `docSeqs` being the documents among them) to the current file,
   * opening a new one if none is open. Throws on any failure, leaving the file as it was.
   */
  append(data: Buffer, docSeqs: number[]): void {
    if (this.fd === undefined) {
      const file: SpoolFile = { path: path.join(this.dir, spoolFileName(this.nextFileNo++)), bytes: 0, startedAt: this.now(), docs: 0, settled: 0, firstSeq: Infinity, lastSeq: -1 };
      this.fd = fs.openSync(file.path, 'wx'); // a new name every time: never appends to an older file
      this.files.push(file);
    }
    const file = this.files.at(-1)!;
    let written = 0;
    try {
      while (written < data.length) {
        const n = fs.writeSync(this.fd, data, written, data.length - written);
        if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
        written += n;
      }
    } catch (err) {
      // a partial record must not stay: cut back, and start a fresh file next time
      if (written > 0) {
        try {
          fs.ftruncateSync(this.fd, file.bytes);
        } catch {
          // the reader never reads past file.bytes, and a restart skips the torn tail
        }
      }
      this.closeCurrent();
      throw err;
    }
    file.bytes += data.length;
    this.totalBytes += data.length;
    file.docs += docSeqs.length;
    for (const s of docSeqs) {
      if (s < file.firstSeq) file.firstSeq = s;
      if (s > file.lastSeq) file.lastSeq = s;
    }
    if (file.bytes >= this.rotateBytes) this.closeCurrent();
  }

  /** Closes the current file (it stays in the list until it is settled and at the front). */
  closeCurrent(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // nothing more to write to it
    }
    this.fd = undefined;
    const last = this.files.at(-1);
    if (last && last.docs === 0 && last.bytes === 0) {
      this.files.pop();
      fs.rmSync(last.path, { force: true });
    }
  }

  /** Deletes the oldest file (closing it first if it is the current one); returns it. */
  deleteFront(): SpoolFile | undefined {
    const file = this.files[0];
    if (!file) return undefined;
    if (this.files.length === 1) this.closeCurrent();
    this.files.shift();
    this.totalBytes -= file.bytes;
    try {
      fs.rmSync(file.path, { force: true });
    } catch {
      // already gone or not removable: it no longer counts; a restart reads whatever is left
    }
    return file;
  }

  /** Deletes settled files from the front; the current one too when it is the last and fully settled. */
  deleteSettled(): void {
    while (this.files.length > 0) {
      const f = this.files[0];
      if (f.settled < f.docs) return;
      this.deleteFront();
    }
  }
}
