/**
 * The X-Ray worker thread: builds each PutTraceSegments body, signs it and sends it, and signs and
 * sends the daemon's other X-Ray calls (telemetry, the sampling proxy's), so only one thread loads
 * an HTTP client. JSON encoding, SigV4 and HTTP cost far more per segment than receiving a datagram;
 * doing them here keeps the main thread free to drain the UDP socket, so the daemon uses a second
 * core and a busy upload path no longer makes the kernel drop datagrams.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createDispatcher } from '../xray/http-dispatcher.js';
import { XraySigner } from '../xray/signer.js';
import { XrayClient } from '../xray/xray-client.js';
import { traceSegmentsBody } from './xray-uploader.js';
import { serializeError, type XrayWorkerInit, type WorkerReply, type WorkerRequest } from './worker-messages.js';

const init = workerData as XrayWorkerInit;
const dispatcher = createDispatcher(init.outbound, init.env);
// the main thread owns the credential chain; each request brings the credentials to sign with
let credentials: AwsCredentialIdentity | undefined;
const client = new XrayClient({
  endpoint: init.endpoint,
  signer: new XraySigner(init.region, async () => credentials!),
  dispatcher,
  requestTimeoutMs: init.requestTimeoutMs,
  userAgent: init.userAgent,
});
const aborts = new Map<number, AbortController>();
const port = parentPort!;

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'abort') return void aborts.get(msg.id)?.abort(new Error('aborted'));
  // a failing close still ends the worker; an unhandled rejection here would crash it instead
  if (msg.type === 'close') return void dispatcher.close().catch(() => {}).finally(() => port.close());
  credentials = msg.credentials;
  const controller = new AbortController();
  aborts.set(msg.id, controller);
  const call =
    msg.type === 'put'
      ? client.post('/TraceSegments', traceSegmentsBody(msg.documents), controller.signal)
      : client.post(msg.path, msg.body, controller.signal, { timestampHeader: msg.timestampHeader, contentType: msg.contentType });
  call
    .then(
      (response) => port.postMessage({ id: msg.id, ok: true, response } satisfies WorkerReply),
      (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: serializeError(err) } satisfies WorkerReply),
    )
    // a reply that cannot be posted (not cloneable) must not become an unhandled rejection that
    // ends the worker with every call in flight: the caller gets the failure instead
    .catch((err: unknown) => port.postMessage({ id: msg.id, ok: false, error: serializeError(err) } satisfies WorkerReply))
    .finally(() => aborts.delete(msg.id));
});
