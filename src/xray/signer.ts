import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CredentialsUnavailableError } from './errors.js';

export interface SignedRequest {
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'xray';

/**
 * Signs X-Ray API calls with SigV4 (service `xray`). Only the headers we set ourselves are signed
 * (host, content-type, x-amz-*, x-amzn-xray-timestamp), never headers a client handed us: signing
 * foreign headers is what breaks the reference daemon behind proxies that add headers.
 *
 * Written for the upload path: the body (already bytes) is hashed once, and the signing key, which
 * only changes with the date and the secret, is derived once per day instead of per request
 * (four HMACs). The canonical form is SigV4's, as @smithy/signature-v4 builds it for `xray`.
 */
export class XraySigner {
  private key: { secret: string; date: string; key: Buffer } | undefined;

  constructor(
    private readonly region: string,
    private readonly credentials: AwsCredentialIdentityProvider,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Rejects with CredentialsUnavailableError when the credential provider fails (the only way
   * signing fails), so callers can tell "not signed" apart from network errors.
   */
  async sign(url: URL, body: Uint8Array | string, extraHeaders: Record<string, string> = {}, contentType = 'application/json'): Promise<SignedRequest> {
    let creds: AwsCredentialIdentity;
    try {
      creds = await this.credentials();
    } catch (err) {
      throw new CredentialsUnavailableError(err);
    }
    const amzDate = new Date(this.now()).toISOString().replace(/[-:]|\.\d{3}/g, ''); // 20261204T183500Z
    const date = amzDate.slice(0, 8);
    const payloadHash = createHash('sha256').update(body).digest('hex');
    const headers: Record<string, string> = { host: url.host, 'content-type': contentType, ...lower(extraHeaders), 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
    if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(';');
    const canonical = `POST\n${canonicalPath(url.pathname)}\n${canonicalQuery(url.searchParams)}\n${names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}\n`).join('')}\n${signedHeaders}\n${payloadHash}`;
    const scope = `${date}/${this.region}/${SERVICE}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(creds.secretAccessKey, date)).update(stringToSign).digest('hex');
    headers.authorization = `${ALGORITHM} Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return { url, headers, body };
  }

  private signingKey(secret: string, date: string): Buffer {
    if (this.key?.secret !== secret || this.key.date !== date) {
      const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
      this.key = { secret, date, key: hmac(hmac(hmac(hmac(`AWS4${secret}`, date), this.region), SERVICE), 'aws4_request') };
    }
    return this.key.key;
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** RFC 3986 escaping as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function escape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Each segment escaped once more, as every service but S3 expects (our paths are plain words). */
function canonicalPath(path: string): string {
  return path.split('/').map(escape).join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params].map(([k, v]) => `${escape(k)}=${escape(v)}`).sort().join('&');
}
