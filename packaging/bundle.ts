import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { REPO_ROOT } from './node-runtime.js';

export interface Bundles {
  /** The daemon: the CLI and everything it imports, one CommonJS file (a SEA's main script). */
  main: string;
}

/**
 * The daemon loads some packages on first use with `createRequire(import.meta.url)('pkg')`, which a
 * bundler cannot follow: in the bundle they become plain `require('pkg')`, bundled and still run lazily.
 */
const LAZY_REQUIRE = /createRequire\(import\.meta\.url\)\((['"][^'"]+['"])\)/g;
const lazyRequires: Plugin = {
  name: 'lazy-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replace(LAZY_REQUIRE, 'require($1)'), loader: 'ts' };
    });
  },
};

/**
 * Bundles the daemon and its production dependencies with esbuild into one self-contained CommonJS
 * file that needs only Node's built-in modules (dynamic imports become lazily run parts of it). The
 * package version is baked in, since no package.json travels with the executable (src/version.ts).
 */
export async function bundleDaemon(outDir: string): Promise<Bundles> {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const main = path.join(outDir, 'xrayd.cjs');
  await build({
    entryPoints: [path.join(REPO_ROOT, 'packaging/sea-main.ts')],
    outfile: main,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [lazyRequires],
    define: { XRAYD_BUNDLED_VERSION: JSON.stringify(version), 'import.meta.url': 'undefined' },
  });
  return { main };
}
