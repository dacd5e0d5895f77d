import { hostname as osHostname } from 'node:os';
import { ImdsClient, imdsOptionsFromEnv } from './imds-client.js';

export interface HostIdentity {
  /** For telemetry's `EC2InstanceId`. */
  instanceId?: string;
  /** For telemetry's `Hostname`. */
  hostname?: string;
}

/**
 * Who this daemon runs on, for PutTelemetryRecords: `AWS_INSTANCE_ID` / `AWS_HOSTNAME` win (as in
 * the reference daemon); otherwise EC2 IMDS (instance id from the identity document, hostname
 * from `/latest/meta-data/hostname`) unless local mode or IMDS is disabled; the OS hostname as the
 * last resort. Never throws; off EC2 it costs at most the IMDS client's timeout (once).
 */
export async function discoverIdentity(
  env: NodeJS.ProcessEnv,
  opts: { localMode: boolean; imds?: ImdsClient; osHostname?: () => string },
): Promise<HostIdentity> {
  let instanceId = env.AWS_INSTANCE_ID || undefined;
  let hostname = env.AWS_HOSTNAME || undefined;
  if (!opts.localMode && (!instanceId || !hostname)) {
    const imds = opts.imds ?? new ImdsClient(imdsOptionsFromEnv(env));
    instanceId ??= (await imds.instanceIdentity())?.instanceId;
    hostname ??= await imds.get('/latest/meta-data/hostname');
  }
  if (!hostname) {
    try {
      hostname = (opts.osHostname ?? osHostname)() || undefined;
    } catch {
      hostname = undefined;
    }
  }
  return { instanceId, hostname };
}
