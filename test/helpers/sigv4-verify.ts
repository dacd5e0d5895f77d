import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { AwsCredentialIdentity } from '@smithy/types';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDXRAYDTEST', secretAccessKey: 'xrayd-test-secret' };
export const TEST_REGION = 'us-east-1';

/** The environment a daemon under test needs to sign with TEST_CREDENTIALS, isolated from the host's AWS config. */
export function testAwsEnv(): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
    AWS_CONFIG_FILE: '/nonexistent/xrayd-test-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/xrayd-test-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/**
 * Verifies a request's SigV4 signature the way X-Ray would: recompute it over the headers the
 * client says it signed, and check the payload hash. Returns a reason when it does not verify.
 */
export async function verifySigV4(
  req: {
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: string | Uint8Array;
  },
  credentials: AwsCredentialIdentity = TEST_CREDENTIALS,
  expectedRegion?: string,
): Promise<string | undefined> {
  const auth = String(req.headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return `malformed authorization header: ${auth}`;
  const [, keyId, , region, service, signedHeaderList] = m;
  if (keyId !== credentials.accessKeyId) return `unexpected access key ${keyId}`;
  if (service !== 'xray') return `unexpected service ${service}`;
  if (expectedRegion !== undefined && region !== expectedRegion) return `unexpected region ${region}`;
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  if (req.headers['x-amz-content-sha256'] && req.headers['x-amz-content-sha256'] !== bodyHash) return 'payload hash mismatch';
  const signedNames = signedHeaderList.split(';');
  if (!signedNames.includes('host')) return 'host not signed';
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = String(req.headers[name] ?? '');
  const amzDate = String(req.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [hostname, port] = headers.host.split(':');
  const signer = new SignatureV4({ service: 'xray', region, credentials, sha256: Sha256, applyChecksum: true });
  const path = new URL(req.path, 'http://placeholder').pathname;
  const expected = await signer.sign(
    { method: req.method, protocol: 'http:', hostname, port: port ? Number(port) : undefined, path, query: {}, headers, body: req.body },
    { signingDate },
  );
  return expected.headers.authorization === auth ? undefined : 'signature mismatch';
}

/** The header names a request signed (for asserting that client headers are never signed). */
export function signedHeaderNames(authorization: string): string[] {
  return /SignedHeaders=([^,]+)/.exec(authorization)?.[1].split(';') ?? [];
}
