import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsCredentialIdentity } from '@smithy/types';
import { signedHeaderNames, verifySigV4 } from '../helpers/sigv4-verify.js';

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

/** The shared SigV4 check, with this stand-in's credentials and region. */
async function verify(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: string,
): Promise<{ signedHeaders: string[]; signatureValid: boolean }> {
  const problem = await verifySigV4({ method, path, headers, body }, TEST_CREDENTIALS, TEST_REGION);
  return { signedHeaders: signedHeaderNames(String(headers.authorization ?? '')), signatureValid: problem === undefined };
}
