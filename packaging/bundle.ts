import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './node-runtime.js';

export interface Bundles {
  /** The daemon: the CLI and everything it imports, one CommonJS file (a SEA's main script). */
  main: string;
}

/**
 * Bundles the daemon and its production dependencies with esbuild into one self-contained CommonJS
 * file that needs only Node's built-in modules (dynamic imports become lazily run parts of it). The package version is
 * baked in, since no package.json travels with the executable (src/version.ts).
 */
export async function bundleDaemon(outDir: string): Promise<Bundles> {
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const main = path.join(outDir, 'xrayd.cjs');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { XRAYD_BUNDLED_VERSION: JSON.stringify(version), 'import.meta.url': 'undefined' },
  } as const;
  await build({
    ...common,
    entryPoints: [path.join(REPO_ROOT, 'packaging/sea-main.ts')],
    outfile: main,
  });
  return { main };
}
