import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { HttpHandler } from '@smithy/protocol-http';
import type { CredentialHealth } from './credential-errors.js';
import { createRequire } from 'node:module';
import { retryingLoader } from '../retrying-loader.js';

/** Refresh a little before expiry so a request never leaves with credentials about to lapse. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/**
 * After a failed fetch, callers get the same failure for this long instead of a new fetch: off
 * EC2 each fetch waits on instance metadata, and the uploader asks once per batch.
 */
const DEFAULT_FAILURE_BACKOFF_MS = 5_000;

export interface CredentialSource {
  /** The provider handed to the signer (cached; refreshed before expiry). */
  provider: AwsCredentialIdentityProvider;
  /** Forget cached credentials (after a 403 signature/token error) so the next call fetches fresh ones. */
  invalidate(): void;
}

export interface CredentialSourceOptions {
  region: string;
  roleArn?: string;
  now?: () => number;
  /** Told of every fetch outcome; logs once per episode and feeds /healthz. */
  health?: CredentialHealth;
  failureBackoffMs?: number;
  /** The base provider; defaults to the SDK's Node chain (injectable for tests). */
  chain?: AwsCredentialIdentityProvider;
  /**
   * How the STS client for `roleArn` sends: pass `createUndiciRequestHandler(dispatcher)` so role
   * assumption uses the same proxy and TLS settings as uploads; `endpoint` is for tests.
   */
  sts?: { requestHandler?: HttpHandler; endpoint?: string };
}

/**
 * The default Node provider chain (env, shared config/profile, SSO, web identity, container, IMDS),
 * optionally assuming `roleArn` (session name `xrayd`). Cached; concurrent callers share one fetch;
 * a failure is remembered for `failureBackoffMs` and then tried again.
 */
export function createCredentialSource(opts: CredentialSourceOptions): CredentialSource {
  const now = opts.now ?? Date.now;
  const backoffMs = opts.failureBackoffMs ?? DEFAULT_FAILURE_BACKOFF_MS;
  const chain = opts.chain ?? lazyNodeChain();
  // which stage failed decides the advice (fix the base credentials, or the role's trust policy)
  let baseFailed = false;
  const base: AwsCredentialIdentityProvider = () => {
    baseFailed = false;
    return chain().catch((err: unknown) => {
      baseFailed = true;
      throw err;
    });
  };
  const roleArn = opts.roleArn;
  const assumed = retryingLoader(() =>
    credentialProviders().then(({ fromTemporaryCredentials }) =>
      fromTemporaryCredentials({
        params: { RoleArn: roleArn!, RoleSessionName: 'xrayd' },
        masterCredentials: base,
        clientConfig: {
          region: opts.region,
          ...(opts.sts?.requestHandler ? { requestHandler: opts.sts.requestHandler } : {}),
          ...(opts.sts?.endpoint ? { endpoint: opts.sts.endpoint } : {}),
        },
      }),
    ),
  );
  const source: AwsCredentialIdentityProvider = roleArn ? async () => (await assumed())() : base;
  let cached: Promise<AwsCredentialIdentity> | undefined;
  let last: AwsCredentialIdentity | undefined;
  let failedUntil = -Infinity;
  const stale = () => last !== undefined && last.expiration !== undefined && last.expiration.getTime() - now() <= EXPIRY_MARGIN_MS;
  const provider: AwsCredentialIdentityProvider = () => {
    if (!cached || stale() || (failedUntil !== -Infinity && now() >= failedUntil)) {
      last = undefined;
      failedUntil = -Infinity;
      cached = source().then(
        (c) => {
          opts.health?.succeeded();
          return (last = c);
        },
        (err: unknown) => {
          opts.health?.failed(err, opts.roleArn && !baseFailed ? 'assumeRole' : 'chain');
          failedUntil = now() + backoffMs;
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
      failedUntil = -Infinity;
    },
  };
}

/**
 * The SDK's default Node chain, loaded on first use: the module and its providers are a few MB and
 * tens of ms that the local backend never needs (the relay fetches credentials right after start).
 */
function lazyNodeChain(): AwsCredentialIdentityProvider {
  const chain = retryingLoader(() => credentialProviders().then((m) => m.fromNodeProviderChain()));
  return async () => (await chain())();
}

/**
 * The SDK's credential providers, loaded on first use. Required, not imported: Node keeps a failed
 * ESM import failed for the life of the process (one EMFILE and credentials would never come
 * back), while a failed require is tried again by the next credential fetch.
 */
async function credentialProviders(): Promise<typeof import('@aws-sdk/credential-providers')> {
  return createRequire(import.meta.url)('@aws-sdk/credential-providers') as typeof import('@aws-sdk/credential-providers');
}
