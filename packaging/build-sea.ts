import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMBEDDED_CONSOLE_PREFIX } from '../src/console/console-files.js';
import type { Bundles } from './bundle.js';
import { REPO_ROOT } from './node-runtime.js';

export interface SeaTarget {
  /** The pinned Node that runs `--build-sea` (same version as `base`, runnable here). */
  builder: string;
  /** The Node binary the application is injected into (may be another architecture). */
  base: string;
  output: string;
  /** Where the stripped base and the sea-config go. */
  work: string;
  /** Tools that strip `base` (the npm packages' node keeps ~33 MB of debug info and symbols); the first that works is used. */
  strippers: string[];
  /** Code cache is V8 bytecode for the builder's architecture: only when base runs here too. */
  native: boolean;
}

/** The node flags bin/xrayd's shebang passes: the executable starts with the same ones. */
export function launcherFlags(): string[] {
  const shebang = /^#!\/usr\/bin\/env (?:-S )?node(.*)$/m.exec(readFileSync(path.join(REPO_ROOT, 'bin/xrayd'), 'utf8'));
  return shebang ? shebang[1].trim().split(/\s+/).filter(Boolean) : [];
}

/** Every file of the built console, as SEA assets under `console/`. */
function consoleAssets(): Record<string, string> {
  const root = path.join(REPO_ROOT, 'dist/console');
  const assets: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    assets[EMBEDDED_CONSOLE_PREFIX + path.relative(root, file).split(path.sep).join('/')] = file;
  }
  if (!assets[`${EMBEDDED_CONSOLE_PREFIX}index.html`]) throw new Error(`${root} has no index.html: run npm run build first`);
  return assets;
}

/**
 * A Node single executable application (node --build-sea): the bundled daemon as main script, the
 * console as assets, the launcher's node flags as execArgv (NODE_OPTIONS still
 * applies, as it does to `node bin/xrayd`).
 * The code cache (V8 bytecode of the main script) shortened start-up from ~410 to ~150 ms (medians of
 * 3, loaded 2-core VM) and idle RSS by ~10 MB. A V8 startup snapshot (useSnapshot) is not used: Node 26.12's
 * snapshot builder cannot serialize node:http's parser binding, which the daemon's modules load,
 * and start-up with the code cache is already a fraction of `node bin/xrayd`'s.
 */
export function buildSea(bundles: Bundles, target: SeaTarget): string {
  const config = {
    main: bundles.main,
    mainFormat: 'commonjs',
    executable: strippedCopy(target.base, path.join(target.work, `${path.basename(target.output)}.base`), target.strippers),
    output: target.output,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: target.native,
    execArgv: launcherFlags(),
    execArgvExtension: 'env',
    assets: consoleAssets(),
  };
  const configFile = path.join(target.work, `${path.basename(target.output)}.sea-config.json`);
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  execFileSync(target.builder, ['--build-sea', configFile], { stdio: 'inherit' });
  return target.output;
}

/** A copy of `binary` without debug info and symbols, or unstripped (with a warning) when no tool can. */
function strippedCopy(binary: string, copy: string, strippers: string[]): string {
  copyFileSync(binary, copy);
  for (const tool of strippers) {
    if (spawnSync(tool, [copy], { stdio: 'ignore' }).status === 0) return copy;
  }
  process.stderr.write(`warning: none of ${strippers.join(', ')} could strip ${binary}; the executable keeps its debug info\n`);
  return copy;
}
