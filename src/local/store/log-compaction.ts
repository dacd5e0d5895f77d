/**
 * Rewrites the store log from a snapshot of the live records without stalling intake:
 *
 * 1. The records are encoded (into one reused buffer: record-buffer.ts) and written to
 *    `<path>.tmp` in slices of about 5 ms of work (or 1 MiB), with the event loop free between
 *    slices (the writes and the fsync of the bulk run on libuv's thread pool). Records appended
 *    meanwhile keep going to the old log and are remembered by the target; they are then copied
 *    the same way, in passes, until few are left.
 * 2. Then, in one synchronous step, the remaining remembered records are added to the temp file,
 *    it is fsynced (only that short tail is still dirty), opened for appending and renamed over
 *    the log, and the target swaps its descriptor. No append can slip between the last write and the swap.
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
import { MAGIC, writeAll } from './log-record.js';
import { RecordBuffer } from './record-buffer.js';

/** Work done between two turns of the event loop. */
const SLICE_MS = 5;
const CHUNK_BYTES = 1024 * 1024;
/** Passes copying the records appended during compaction before the synchronous step takes the rest. */
const TAIL_PASSES = 4;
/** Appended batches (one string per append) few enough to leave to the synchronous step. */
const SYNC_TAIL_BATCHES = 16;

export interface CompactionTarget {
  readonly path: string;
  /** False once closed: compaction stops and leaves the old log. */
  readonly isOpen: boolean;
  /** Records appended since the compaction started, in order: one array, growing meanwhile. */
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
    // one buffer for the whole compaction: each record is encoded into it, never into strings
    const out = new RecordBuffer(CHUNK_BYTES);
    out.addRaw(MAGIC);
    let sliceStart = performance.now();
    for (const text of texts) {
      out.add(text);
      if (out.full || performance.now() - sliceStart >= SLICE_MS) {
        size += await writeChunk(handle, out.take());
        if (!target.isOpen) return false;
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
    size += await writeChunk(handle, out.take());
    // Records appended meanwhile (seconds' worth at 1M documents) are copied with the loop free
    // too, each pass only what arrived during the one before, so that the synchronous step below
    // writes and fsyncs only the last few milliseconds' worth.
    const appended = target.appendedDuringCompaction();
    let copied = 0;
    for (let pass = 0; ; pass++) {
      await handle.sync();
      if (!target.isOpen) return false;
      if (pass === TAIL_PASSES || appended.length - copied <= SYNC_TAIL_BATCHES) break;
      const upTo = appended.length;
      size += await writeChunk(handle, Buffer.from(appended.slice(copied, upTo).join('')));
      copied = upTo;
    }
    // From here on everything is synchronous.
    let tail = '';
    for (let i = copied; i < appended.length; i++) tail += appended[i];
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

/** Writes all of `buf` (awaited before the buffer is reused). */
async function writeChunk(handle: FileHandle, buf: Buffer): Promise<number> {
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
