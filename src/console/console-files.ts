import { createReadStream, existsSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
// a namespace import: getAssetKeys exists only in newer Node lines (and is called only inside a SEA)
import * as sea from 'node:sea';

/** One file of the built console. */
export interface ConsoleFile {
  size: number;
  mtime: Date;
  open(): Readable;
}

/** The built console's files, from a directory or embedded in the single executable. */
export interface ConsoleFiles {
  /** Where they come from, for log lines. */
  readonly source: string;
  /** False when the console was not built: the X-Ray API is then served without it. */
  readonly available: boolean;
  /** The file at a path relative to the console's root (`index.html`, `assets/x.js`); undefined if absent. */
  get(relativePath: string): Promise<ConsoleFile | undefined>;
}

/** Key prefix of the console's files among the single executable's assets (packaging/build-sea.ts). */
export const EMBEDDED_CONSOLE_PREFIX = 'console/';

/** Where `npm run build` puts the console (`dist/console/`), seen from this compiled module. */
export function builtConsoleDir(): string {
  return fileURLToPath(new URL('../../console/', import.meta.url));
}

/** The console this process serves: embedded in the single executable, else next to the compiled code. */
export function builtConsoleFiles(): ConsoleFiles {
  return sea.isSea() ? embeddedConsoleFiles() : directoryConsoleFiles(builtConsoleDir());
}

/** Files under `dir`; paths that would leave it are absent. */
export function directoryConsoleFiles(dir: string): ConsoleFiles {
  const root = resolve(dir);
  return {
    source: root,
    available: existsSync(root),
    async get(relativePath) {
      const file = resolve(root, relativePath);
      if (!file.startsWith(root + sep)) return undefined;
      const info = await stat(file).catch(() => undefined);
      if (info === undefined || !info.isFile()) return undefined;
      return { size: info.size, mtime: info.mtime, open: () => createReadStream(file) };
    },
  };
}

/** The single executable's `console/*` assets; they date from the executable itself. */
export function embeddedConsoleFiles(): ConsoleFiles {
  const keys = new Set(sea.getAssetKeys().filter((k) => k.startsWith(EMBEDDED_CONSOLE_PREFIX)));
  const mtime = statSync(process.execPath).mtime;
  return {
    source: `${process.execPath} (embedded)`,
    available: keys.has(`${EMBEDDED_CONSOLE_PREFIX}index.html`),
    async get(relativePath) {
      const key = EMBEDDED_CONSOLE_PREFIX + relativePath;
      if (!keys.has(key)) return undefined;
      const body = Buffer.from(sea.getRawAsset(key)); // a view of the executable's memory, not a copy
      return { size: body.length, mtime, open: () => Readable.from([body]) };
    },
  };
}
