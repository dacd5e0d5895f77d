import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CredentialsUnavailableError } from './errors.js';

export interface SignedRequest {
  url: URL;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * Signs X-Ray API calls with SigV4 (service `xray`). Only the headers we set ourselves are
 * signed (host, content-type, x-amz-*), never headers a client handed us: signing foreign
 * headers is what breaks the reference daemon behind proxies that add headers.
 */
export class XraySigner {
  private readonly signer: SignatureV4;

  constructor(region: string, credentials: AwsCredentialIdentityProvider) {
    this.signer = new SignatureV4({ service: 'xray', region, credentials, sha256: NodeSha256, applyChecksum: true });
  }

  /**
   * Rejects with CredentialsUnavailableError when the credential provider fails (the only way
   * signing fails), so callers can tell "not signed" apart from network errors.
   */
  async sign(url: URL, body: string | Uint8Array, extraHeaders: Record<string, string> = {}, contentType = 'application/json'): Promise<SignedRequest> {
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'content-type': contentType, ...extraHeaders },
      body,
    }).catch((err: unknown) => {
      throw new CredentialsUnavailableError(err);
    });
    return { url, headers: signed.headers as Record<string, string>, body };
  }
}

/** SHA-256 from node:crypto (as the AWS SDK uses in Node); the pure-JS one cost a quarter of the daemon's CPU. */
const NodeSha256 = Hash.bind(null, 'sha256');
