/** One place a region may come from; returns undefined when it has none (never throws). */
export interface RegionSource {
  /** How the source is named in the "what was tried" message. */
  name: string;
  lookup(): Promise<string | undefined>;
}

export class RegionNotFoundError extends Error {
  readonly code = 'XRAYD_NO_REGION';
  constructor(readonly tried: string[]) {
    super(
      `cannot determine the AWS region (tried: ${tried.join(', ')}). ` +
        'Set it with -n/--region, Region in the config file, or AWS_REGION; or use --backend local to keep traces on this machine.',
    );
    this.name = 'RegionNotFoundError';
  }
}

/** The region of the shared config profile (`AWS_PROFILE`, else `default`). */
export function profileRegionSource(env: NodeJS.ProcessEnv): RegionSource {
  const profile = env.AWS_PROFILE || 'default';
  return {
    name: `profile "${profile}" in the shared config file`,
    async lookup() {
      try {
        // loaded only when the region is not configured (a module the relay otherwise never needs)
        const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
        const files = await loadSharedConfigFiles();
        return files.configFile[profile]?.region || files.credentialsFile[profile]?.region || undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The first region found: the configured one (flag > file > AWS_REGION/AWS_DEFAULT_REGION, already
 * merged into the config), then each source in order.
 */
export async function resolveRegion(configured: string | undefined, sources: RegionSource[]): Promise<{ region: string; source: string }> {
  if (configured) return { region: configured, source: 'configuration' };
  const tried = ['-n/--region', 'Region in the config file', 'AWS_REGION', 'AWS_DEFAULT_REGION'];
  for (const source of sources) {
    tried.push(source.name);
    const region = await source.lookup();
    if (region) return { region, source: source.name };
  }
  throw new RegionNotFoundError(tried);
}
