/**
 * `npm run package`: every artefact into dist/pkg/ from the build in dist/ (the script builds first):
 * single executables for linux-x64 and linux-arm64 (from the pinned Node 26 in
 * packaging/node-runtimes.json), a .deb and an .rpm per architecture, and the npm tarball.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleDaemon } from './bundle.js';
import { buildSea } from './build-sea.js';
import { manPage } from './man-page.js';
import { nodeRuntime, REPO_ROOT } from './node-runtime.js';

const OUT = path.join(REPO_ROOT, 'dist/pkg');
const WORK = path.join(OUT, 'build');

async function main(): Promise<void> {
  const started = Date.now();
  const step = (s: string) => process.stderr.write(`[package ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}\n`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

  step('fetching the pinned Node 26 binaries');
  const builder = nodeRuntime('node26-linux-x64');
  const arm64 = nodeRuntime('node26-linux-arm64');
  step('bundling the daemon with esbuild');
  const bundles = await bundleDaemon(WORK);
  step('building the single executables');
  const x64Binary = buildSea(bundles, { builder, base: builder, output: path.join(OUT, 'xrayd-linux-x64'), work: WORK, strippers: ['strip', 'llvm-strip'], native: true });
  buildSea(bundles, { builder, base: arm64, output: path.join(OUT, 'xrayd-linux-arm64'), work: WORK, strippers: ['aarch64-linux-gnu-strip', 'llvm-strip'], native: false });

  const help = execFileSync(x64Binary, ['--help'], { encoding: 'utf8' });
  writeFileSync(path.join(WORK, 'xrayd.1'), manPage(version, help));
  step('building the .deb and .rpm packages');
  execFileSync('bash', [path.join(REPO_ROOT, 'packaging/build-os-packages.sh'), version, OUT, WORK], { stdio: 'inherit' });
  step('packing the npm tarball');
  // the build above is the one packed; `npm pack` alone builds through `prepare`
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', OUT], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  step(`done: ${OUT}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`package failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
