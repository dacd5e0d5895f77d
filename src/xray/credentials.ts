import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Refresh a little before expiry so a request never leaves with credentials about to lapse. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

export interface CredentialSource {
  /** The provider handed to the signer (cached; refreshed before expiry). */
  provider: AwsCredentialIdentityProvider;
  /** Forget cached credentials (after a 403 signature/token error) so the next call fetches fresh ones. */
  invalidate(): void;
}

/**
 * The default Node provider chain (env, shared config/profile, SSO, web identity, container, IMDS),
 * optionally assuming `roleArn` (session name `xrayd`). Cached; concurrent callers share one fetch.
 */
export function createCredentialSource(opts: { region: string; roleArn?: string; now?: () => number }): CredentialSource {
  const now = opts.now ?? Date.now;
  const base = fromNodeProviderChain();
  const source: AwsCredentialIdentityProvider = opts.roleArn
    ? fromTemporaryCredentials({
        params: { RoleArn: opts.roleArn, RoleSessionName: 'xrayd' },
        masterCredentials: base,
        clientConfig: { region: opts.region },
      })
    : base;
  let cached: Promise<AwsCredentialIdentity> | undefined;
  let last: AwsCredentialIdentity | undefined;
  const stale = () => last !== undefined && last.expiration !== undefined && last.expiration.getTime() - now() <= EXPIRY_MARGIN_MS;
  const provider: AwsCredentialIdentityProvider = () => {
    if (!cached || stale()) {
      last = undefined;
      cached = source().then(
        (c) => (last = c),
        (err: unknown) => {
          cached = undefined; // a failure is not cached: the next call tries again
          throw err;
        },
      );
    }
    return cached;
  };
  return {
    provider,
    invalidate: () => {
      cached = undefined;
      last = undefined;
    },
  };
}
