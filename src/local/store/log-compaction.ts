/**
 * Rewrites the store log from a snapshot of the live records without stalling intake:
 *
 * 1. The records are encoded and written to `<path>.tmp` in slices of about 5 ms of work (or
 *    1 MiB), with the event loop free between slices (the writes and the fsync of the bulk run on
 *    libuv's thread pool). Records appended meanwhile keep going to the old log and are remembered
 *    by the target.
 * 2. Then, in one synchronous step, the remembered records are added to the temp file, it is
 *    fsynced (only that tail is still dirty), opened for appending and renamed over the log, and
 *    the target swaps its descriptor. No append can slip between the last write and the swap.
 *
 * The log on disk is therefore always the old or the new complete file; a record may be written
 * twice (a later copy of the same id simply wins on replay). Records are opaque text lines
 * (log-record.ts), so other kinds of records can share the log. Every file operation is inside the
 * error handling: a failure leaves the old log in use, removes the temp file if it was created here,
 * and rejects for the caller to report and back off.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { MAGIC, encodeRecord, writeAll } from './log-record.js';

/** Work done between two turns of the event loop. */
const SLICE_MS = 5;
const CHUNK_CHARS = 1024 * 1024;

export interface CompactionTarget {
  readonly path: string;
  /** False once closed: compaction stops and leaves the old log. */
  readonly isOpen: boolean;
  appendedDuringCompaction(): readonly string[];
  adopt(fd: number, size: number): void;
}

/** Writes `texts` (a snapshot) as the new log; resolves false if the target closed meanwhile. */
export async function compactLog(target: CompactionTarget, texts: Iterable<string>): Promise<boolean> {
  const tmp = `${target.path}.tmp`;
  let handle: FileHandle | undefined;
  let newFd: number | undefined;
  let renamed = false;
  try {
    handle = await open(tmp, 'w');
    let size = 0;
    let out = MAGIC;
    let sliceStart = performance.now();
    for (const text of texts) {
      out += encodeRecord(text);
      if (out.length >= CHUNK_CHARS || performance.now() - sliceStart >= SLICE_MS) {
        size += await writeChunk(handle, out);
        out = '';
        if (!target.isOpen) return false;
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
    size += await writeChunk(handle, out);
    await handle.sync();
    if (!target.isOpen) return false;
    // From here on everything is synchronous.
    let tail = '';
    for (const record of target.appendedDuringCompaction()) tail += record;
    size += writeAll(handle.fd, tail);
    fsyncSync(handle.fd);
    newFd = openSync(tmp, 'a');
    renameSync(tmp, target.path);
    renamed = true;
    target.adopt(newFd, size);
    return true;
  } catch (err) {
    if (newFd !== undefined && !renamed) closeQuietly(newFd);
    throw err;
  } finally {
    await handle?.close().catch(() => {});
    // only a file this compaction created is removed (never, say, a directory in its way)
    if (handle && !renamed) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // left behind: the next compaction truncates it
      }
    }
  }
}

async function writeChunk(handle: FileHandle, text: string): Promise<number> {
  if (text === '') return 0;
  const buf = Buffer.from(text);
  let written = 0;
  while (written < buf.length) written += (await handle.write(buf, written)).bytesWritten;
  return buf.length;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing more to do
  }
}
