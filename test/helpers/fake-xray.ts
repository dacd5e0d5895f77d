import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from './sigv4-verify.js';

/** What the stand-in does with one request: answer (status/body/headers), stall, or reset the connection. */
export type Behavior =
  | { kind: 'answer'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'stall' }
  | { kind: 'reset' };

export interface ReceivedCall {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body's bytes (OTLP protobuf bodies are not text). */
  raw: Buffer;
  signatureProblem: string | undefined;
}

/**
 * A local HTTP server playing X-Ray: verifies every SigV4 signature, records PutTraceSegments
 * documents and telemetry records, and follows a script of behaviors (then answers 200).
 */
export class FakeXray {
  readonly calls: ReceivedCall[] = [];
  /** Documents of accepted PutTraceSegments calls, in arrival order. */
  readonly documents: string[] = [];
  readonly batchSizes: number[] = [];
  readonly telemetry: Record<string, unknown>[] = [];
  /** Bodies of accepted OTLP calls to X-Ray's `/v1/traces` (protobuf ExportTraceServiceRequest). */
  readonly otlpBodies: Buffer[] = [];
  /** Behaviors used for the next requests, in order (shifted per request to /TraceSegments). */
  script: Behavior[] = [];
  /** While true, every PutTraceSegments call answers 503 (an outage), after the script. */
  unavailable = false;
  /** A slow X-Ray: every PutTraceSegments answer waits this long. */
  delayMs = 0;
  /** Decides unprocessed documents in a 200 answer (X-Ray's UnprocessedTraceSegments, with this ErrorCode). */
  unprocessed: (doc: string) => { ErrorCode: string; Message: string } | undefined = () => undefined;
  private readonly server: http.Server;
  private readonly waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async listen(port = 0): Promise<string> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    // a test that fails before its cleanup must not keep the test file's process alive
    this.server.unref();
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves when `predicate` holds (checked after every request), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (documents: ${this.documents.length})`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private notify(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].predicate()) this.waiters.splice(i, 1)[0].resolve();
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    const path = req.url ?? '/';
    const signatureProblem = await verifySigV4({ method: req.method ?? 'POST', path, headers: req.headers, body: raw });
    this.calls.push({ path, headers: req.headers, body, raw, signatureProblem });
    const outage: Behavior = { kind: 'answer', status: 503, body: { __type: 'ServiceUnavailableException', message: 'stand-in outage' } };
    const behavior: Behavior =
      path === '/TraceSegments' ? (this.script.shift() ?? (this.unavailable ? outage : { kind: 'answer', status: 200 })) : { kind: 'answer', status: 200 };
    if (behavior.kind === 'stall') return void this.notify(); // never answers; the client must time out
    if (this.delayMs > 0 && path === '/TraceSegments') await new Promise((r) => setTimeout(r, this.delayMs));
    if (behavior.kind === 'reset') {
      req.socket.destroy();
      return this.notify();
    }
    if (signatureProblem) {
      this.reply(res, 403, { __type: 'InvalidSignatureException', message: signatureProblem });
    } else if (behavior.status !== 200) {
      this.reply(res, behavior.status, behavior.body ?? { __type: 'ServiceUnavailable', message: 'scripted failure' }, behavior.headers);
    } else if (path === '/TraceSegments') {
      const docs = (JSON.parse(body) as { TraceSegmentDocuments: string[] }).TraceSegmentDocuments;
      const unprocessed = [];
      for (const doc of docs) {
        const refusal = this.unprocessed(doc);
        if (refusal) unprocessed.push({ Id: idOf(doc), ...refusal });
        else this.documents.push(doc);
      }
      this.batchSizes.push(docs.length);
      this.reply(res, 200, { UnprocessedTraceSegments: unprocessed });
    } else if (path === '/v1/traces') {
      // X-Ray's OTLP endpoint: an empty ExportTraceServiceResponse is full success
      this.otlpBodies.push(raw);
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
    } else if (path === '/TelemetryRecords') {
      this.telemetry.push(...(JSON.parse(body) as { TelemetryRecords: Record<string, unknown>[] }).TelemetryRecords);
      this.reply(res, 200, {});
    } else {
      this.reply(res, 404, { __type: 'UnknownOperationException' });
    }
    this.notify();
  }

  private reply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const type = (body as { __type?: string })?.__type;
    res.writeHead(status, { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}), ...headers });
    res.end(JSON.stringify(body));
  }
}

function idOf(doc: string): string | undefined {
  try {
    return (JSON.parse(doc) as { id?: string }).id;
  } catch {
    return undefined;
  }
}
