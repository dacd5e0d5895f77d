import type { RegionSource } from '../region.js';
import type { ImdsClient } from './imds-client.js';

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
