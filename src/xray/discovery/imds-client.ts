import { metadataRequest } from './metadata-http.js';

export interface ImdsOptions {
  /** Base URL, e.g. `http://169.254.169.254` (no trailing slash). */
  endpoint: string;
  /** When true, no request is ever made (AWS_EC2_METADATA_DISABLED or local mode). */
  disabled: boolean;
  /** Budget for one lookup, token included: off EC2 this is all IMDS may cost. */
  timeoutMs: number;
  /** AWS_EC2_METADATA_V1_DISABLED: never fall back to token-less IMDSv1 calls. */
  v1Disabled?: boolean;
}

export interface InstanceIdentity {
  region?: string;
  instanceId?: string;
  availabilityZone?: string;
}

const TOKEN_TTL_S = 21_600;

/** The IMDS settings the AWS SDKs read from the environment. */
export function imdsOptionsFromEnv(env: NodeJS.ProcessEnv, opts: { localMode?: boolean; timeoutMs?: number } = {}): ImdsOptions {
  const ipv6 = (env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE ?? '').toLowerCase() === 'ipv6';
  const endpoint = (env.AWS_EC2_METADATA_SERVICE_ENDPOINT || (ipv6 ? 'http://[fd00:ec2::254]' : 'http://169.254.169.254')).replace(/\/+$/, '');
  return {
    endpoint,
    disabled: Boolean(opts.localMode) || (env.AWS_EC2_METADATA_DISABLED ?? '').toLowerCase() === 'true',
    timeoutMs: opts.timeoutMs ?? 1000,
    v1Disabled: (env.AWS_EC2_METADATA_V1_DISABLED ?? '').toLowerCase() === 'true',
  };
}

/**
 * EC2 instance metadata over IMDSv2 (PUT a session token, then GET with it), falling back to
 * IMDSv1 when the token call gets an HTTP refusal (unless AWS_EC2_METADATA_V1_DISABLED). Once IMDS has failed to answer at all
 * (refused, timed out) it is taken as absent for the life of this client, so region and identity
 * discovery together cost one timeout off EC2, not one per lookup. Never throws.
 */
export class ImdsClient {
  private token: { value: string; expiresAt: number } | undefined;
  private unreachable = false;
  private identity: Promise<InstanceIdentity | undefined> | undefined;

  constructor(
    readonly opts: ImdsOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get available(): boolean {
    return !this.opts.disabled && !this.unreachable;
  }

  /** The body of a metadata path (e.g. `/latest/meta-data/hostname`), or undefined. */
  async get(path: string): Promise<string | undefined> {
    if (!this.available) return undefined;
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    try {
      const token = await this.sessionToken(signal);
      if (!token && this.opts.v1Disabled) return undefined;
      const headers: Record<string, string> = token ? { 'x-aws-ec2-metadata-token': token } : {};
      const res = await metadataRequest(this.opts.endpoint + path, { headers, signal });
      if (res.status === 401) this.token = undefined; // expired token: the next call fetches one
      return res.status === 200 && res.body.trim() ? res.body.trim() : undefined;
    } catch {
      this.unreachable = true;
      return undefined;
    }
  }

  /** The instance identity document (fetched once; region, instance id, AZ). */
  instanceIdentity(): Promise<InstanceIdentity | undefined> {
    this.identity ??= this.get('/latest/dynamic/instance-identity/document').then((text) => {
      if (!text) return undefined;
      try {
        const doc = JSON.parse(text) as Record<string, unknown>;
        const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
        return { region: str(doc.region), instanceId: str(doc.instanceId), availabilityZone: str(doc.availabilityZone) };
      } catch {
        return undefined;
      }
    });
    return this.identity;
  }

  private async sessionToken(signal: AbortSignal): Promise<string | undefined> {
    if (this.token && this.token.expiresAt > this.now()) return this.token.value;
    const res = await metadataRequest(this.opts.endpoint + '/latest/api/token', {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_S) },
      signal,
    });
    if (res.status !== 200 || !res.body) return undefined; // IMDSv1-only or a refusing proxy: try without
    this.token = { value: res.body.trim(), expiresAt: this.now() + (TOKEN_TTL_S - 60) * 1000 };
    return this.token.value;
  }
}
