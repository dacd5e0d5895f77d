import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { AwsCredentialIdentity } from '@smithy/types';

export const TEST_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIDXRAYDTEST',
  secretAccessKey: 'xrayd-test-secret-not-real',
  sessionToken: 'xrayd-test-session-token',
};
export const TEST_REGION = 'us-west-2';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** SignedHeaders from the Authorization header. */
  signedHeaders: string[];
  /** Whether the signature recomputed from the signed headers, path and body matches. */
  signatureValid: boolean;
}

export type FakeAnswer = { status: number; body: string; headers?: Record<string, string> } | 'stall';

/**
 * A local stand-in for the X-Ray endpoint that checks each request's SigV4 signature by signing
 * the same method, path, signed headers and body again with the test credentials. Emits
 * 'request' for each one received.
 */
export class FakeXray extends EventEmitter {
  readonly requests: ReceivedRequest[] = [];
  answer: (req: ReceivedRequest) => FakeAnswer = () => ({ status: 200, body: '{}' });
  private server: Server | undefined;
  private readonly stalled = new Set<import('node:http').ServerResponse>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        void verify(req.method ?? '', req.url ?? '', req.headers, body).then((check) => {
          const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, ...check };
          this.requests.push(received);
          this.emit('request', received);
          const a = this.answer(received);
          if (a === 'stall') {
            this.stalled.add(res);
            return;
          }
          res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
          res.end(a.body);
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function verify(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
): Promise<{ signedHeaders: string[]; signatureValid: boolean }> {
  const auth = String(headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { signedHeaders: [], signatureValid: false };
  const [, keyId, , region, service, signedList, signature] = m;
  const signedHeaders = signedList.split(';');
  if (keyId !== TEST_CREDENTIALS.accessKeyId || service !== 'xray') return { signedHeaders, signatureValid: false };
  const amzDate = String(headers['x-amz-date'] ?? '');
  const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const toSign: Record<string, string> = {};
  for (const name of signedHeaders) toSign[name] = String(headers[name] ?? '');
  const url = new URL(path, 'http://placeholder');
  const signer = new SignatureV4({ service: 'xray', region, credentials: TEST_CREDENTIALS, sha256: Sha256, applyChecksum: true });
  const again = await signer.sign(
    { method, protocol: 'http:', hostname: toSign.host ?? '', path: url.pathname, query: {}, headers: toSign, body },
    { signingDate: date },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(again.headers.authorization))?.[1];
  return { signedHeaders, signatureValid: expected === signature && region === TEST_REGION };
}
