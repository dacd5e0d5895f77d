// Builds the native UDP receive path (native/udp-recv.c) into dist/native/udp-recv.node with gcc and the
// Node-API headers only (ABI-stable: one build serves every Node line). Anything missing (not Linux, no gcc,
// no headers) prints a warning and skips it: the daemon then receives with node:dgram.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'dist/native/udp-recv.node');
const skip = (why) => {
  console.warn(`build-native: skipped (${why}); xrayd will receive UDP with node:dgram`);
  rmSync(output, { force: true });
  process.exit(0);
};

if (process.platform !== 'linux') skip(`recvmmsg is Linux-only, this is ${process.platform}`);
const cc = process.env.CC || 'gcc';
let includeDir;
try {
  includeDir = createRequire(import.meta.url)('node-api-headers').include_dir;
} catch {
  skip('the node-api-headers package is not installed');
}
mkdirSync(path.dirname(output), { recursive: true });
try {
  execFileSync(cc, ['-O2', '-Wall', '-shared', '-fPIC', '-pthread', '-I', includeDir, '-o', output, path.join(root, 'native/udp-recv.c')], { stdio: 'inherit' });
} catch (err) {
  skip(err.code === 'ENOENT' ? `${cc} not found (install gcc and libc6-dev)` : `${cc} failed: ${err.message}`);
}
console.log(`build-native: ${path.relative(root, output)}`);
