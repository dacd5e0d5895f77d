import { createRequire } from 'node:module';

/** Set by the single-executable bundle (packaging/bundle.ts), which has no package.json beside it. */
declare const XRAYD_BUNDLED_VERSION: string | undefined;

/** The package version, read once (works from src/ via tsx, from dist/src/, and bundled). */
export const VERSION: string = typeof XRAYD_BUNDLED_VERSION === 'string' ? XRAYD_BUNDLED_VERSION : packageVersion();

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const p of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version?: string };
      if (pkg.name === 'xrayd' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

/** User-Agent for outbound calls, in the reference daemon's layout. */
export function userAgent(env: NodeJS.ProcessEnv): string {
  return `xrayd/${VERSION} xray-agent/xrayd/${VERSION} exec-env/${env.AWS_EXECUTION_ENV || 'UNKNOWN'} OS/${process.platform}-${process.arch} node/${process.versions.node}`;
}
