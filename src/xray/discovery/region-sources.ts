import { profileRegionSource, type RegionSource } from '../region.js';
import { ecsRegionSource } from './ecs-region-source.js';
import { ImdsClient, imdsOptionsFromEnv } from './imds-client.js';

/** The EC2 instance's region, from the IMDS instance identity document. */
export function imdsRegionSource(imds: ImdsClient): RegionSource {
  return {
    name: imds.opts.disabled
      ? 'EC2 instance metadata (disabled)'
      : `EC2 instance metadata (${imds.opts.endpoint}/latest/dynamic/instance-identity/document)`,
    async lookup() {
      return (await imds.instanceIdentity())?.region;
    },
  };
}

/**
 * Where the daemon looks for a region after the configured one (flag, file, AWS_REGION): the
 * shared config profile, then (unless local mode) ECS task metadata, then EC2 IMDS. Pass the
 * same `imds` client to `discoverIdentity` so an absent IMDS is waited for only once.
 */
export function regionSources(env: NodeJS.ProcessEnv, opts: { localMode: boolean; imds?: ImdsClient }): RegionSource[] {
  const sources = [profileRegionSource(env)];
  if (opts.localMode) return sources;
  const imds = opts.imds ?? new ImdsClient(imdsOptionsFromEnv(env));
  sources.push(ecsRegionSource(env), imdsRegionSource(imds));
  return sources;
}
