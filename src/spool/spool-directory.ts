import fs from 'node:fs';
import path from 'node:path';
import { recoverSpool, type Recovered } from './spool-files.js';

const LOCK_NAME = 'xrayd-spool.lock';

export interface SpoolLock {
  recovered: Recovered;
  release(): void;
}

/** A spool directory that cannot be used at start; the message names the config key. */
export class SpoolDirectoryError extends Error {
  readonly code = 'XRAYD_SPOOL_DIRECTORY';
}

/**
 * Prepares the spool directory at start: creates it if missing, proves it writable by taking its
 * lock file (one daemon per directory: a second one would interleave files), and recovers what an
 * earlier run left. Any problem is a clear error naming `Spool.Directory` / `--spool-dir`.
 */
export function openSpoolDirectory(dir: string): SpoolLock {
  const fail = (what: string, err?: unknown) => {
    const why = err ? `: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trimEnd() : '';
    return new SpoolDirectoryError(`Spool.Directory (--spool-dir) "${dir}": ${what}${why}`);
  };
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fail('cannot create the directory', err);
  }
  const lockPath = path.join(dir, LOCK_NAME);
  try {
    fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fail('not writable', err);
    const owner = Number(safeRead(lockPath));
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw fail(`in use by another xrayd (pid ${owner}, lock file ${LOCK_NAME})`);
    try {
      fs.writeFileSync(lockPath, `${process.pid}\n`); // a stale lock from a process that is gone
    } catch (err2) {
      throw fail('not writable', err2);
    }
  }
  let recovered: Recovered;
  try {
    recovered = recoverSpool(dir);
  } catch (err) {
    fs.rmSync(lockPath, { force: true });
    throw fail('cannot read the spool files', err);
  }
  return {
    recovered,
    release: () => {
      try {
        if (safeRead(lockPath).trim() === String(process.pid)) fs.rmSync(lockPath, { force: true });
      } catch {
        // the next start finds a stale lock and takes it over
      }
    },
  };
}

function safeRead(p: string): string {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
