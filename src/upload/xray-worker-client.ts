import { Worker } from 'node:worker_threads';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { XrayResponse } from '../xray/http-transport.js';
import { CredentialsUnavailableError } from '../xray/errors.js';
import { deserializeError, type XrayWorkerInit, type WorkerReply, type WorkerRequest } from './worker-messages.js';

interface Pending {
  resolve(r: XrayResponse): void;
  reject(e: unknown): void;
}

const workerExit = (reason: string) => Object.assign(new Error(`upload worker stopped: ${reason}`), { code: 'XRAYD_UPLOAD_WORKER_EXIT' });

/**
 * The main thread's side of the X-Ray worker thread (`xray-worker.ts`), which encodes, signs and
 * sends every X-Ray call: `put` (PutTraceSegments) and `post` (telemetry, the sampling proxy).
 * Credentials are resolved here (so credential errors and health stay in one place) and handed to
 * the worker with each call. If the worker dies, calls in flight fail with code XRAYD_UPLOAD_WORKER_EXIT (retryable,
 * class "other") and the next call starts a new worker.
 */
export class XrayWorkerClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly init: Omit<XrayWorkerInit, 'env'> & { env: NodeJS.ProcessEnv },
    private readonly credentials: AwsCredentialIdentityProvider,
  ) {}

  /** PutTraceSegments for these documents (the body is built in the worker). */
  readonly put = (documents: readonly string[], signal?: AbortSignal): Promise<XrayResponse> =>
    this.call((id, credentials) => ({ type: 'put', id, documents, credentials }), signal);

  /** Any other X-Ray operation (same contract as XrayClient.post). */
  post(path: string, body: string | Uint8Array, signal?: AbortSignal, opts: { timestampHeader?: boolean; contentType?: string } = {}): Promise<XrayResponse> {
    return this.call(
      (id, credentials) => ({ type: 'post', id, path, body, timestampHeader: opts.timestampHeader !== false, contentType: opts.contentType, credentials }),
      signal,
    );
  }

  private async call(message: (id: number, credentials: AwsCredentialIdentity) => WorkerRequest, signal?: AbortSignal): Promise<XrayResponse> {
    if (this.closed) throw workerExit('closed');
    const credentials = await this.credentials().catch((err: unknown) => {
      throw new CredentialsUnavailableError(err);
    });
    if (signal?.aborted) throw signal.reason;
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<XrayResponse>((resolve, reject) => {
      const onAbort = () => {
        worker.postMessage({ type: 'abort', id } satisfies WorkerRequest);
        this.pending.delete(id);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, { resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)) });
      worker.postMessage(message(id, credentials));
    });
  };

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const env = Object.fromEntries(Object.entries(this.init.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const worker = new Worker(new URL('./xray-worker.js', import.meta.url), {
      workerData: { ...this.init, env } satisfies XrayWorkerInit,
      // a small young generation: the worker's garbage is short-lived request bodies, and V8's
      // default lets it grow to 32 MB per isolate, which showed as RSS creeping up under steady load
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    worker.unref(); // the UDP socket and timers keep the daemon alive, not this thread
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.response);
      else p.reject(deserializeError(reply.error));
    });
    const fail = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(workerExit(reason));
      }
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  /** Closes the worker's connections and ends it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}
