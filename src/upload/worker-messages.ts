import type { AwsCredentialIdentity } from '@smithy/types';
import type { OutboundOptions } from '../xray/http-dispatcher.js';
import type { XrayResponse } from '../xray/http-transport.js';
import { codesOf } from '../xray/errors.js';

/** What the upload worker is started with. */
export interface XrayWorkerInit {
  endpoint: string;
  region: string;
  userAgent: string;
  requestTimeoutMs: number;
  outbound: OutboundOptions;
  /** String values only (proxy variables are read from it). */
  env: Record<string, string>;
}

/** Main thread -> upload worker. Credentials are resolved on the main thread and passed along. */
export type WorkerRequest =
  | { type: 'put'; id: number; documents: readonly string[]; credentials: AwsCredentialIdentity }
  | { type: 'post'; id: number; path: string; body: string | Uint8Array; timestampHeader: boolean; contentType?: string; credentials: AwsCredentialIdentity }
  | { type: 'abort'; id: number }
  | { type: 'close' };

/** Upload worker -> main thread. */
export type WorkerReply = { id: number; ok: true; response: XrayResponse } | { id: number; ok: false; error: SerializedError };

/** An error as it crosses the thread boundary: its name, message and the codes along its cause chain. */
export interface SerializedError {
  name: string;
  message: string;
  codes: string[];
}

export function serializeError(err: unknown): SerializedError {
  return { name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err), codes: codesOf(err) };
}

/** Rebuilds an error whose `code`/`cause` chain classifies exactly as the original did. */
export function deserializeError(s: SerializedError): Error {
  let cause: Error | undefined;
  for (const code of [...s.codes].reverse().slice(0, -1)) cause = Object.assign(new Error(s.message, { cause }), { code });
  const err = Object.assign(new Error(s.message, { cause }), s.codes.length ? { code: s.codes[0] } : {});
  err.name = s.name;
  return err;
}
