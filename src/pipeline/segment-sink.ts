/**
 * Where batches of segment documents go: the X-Ray uploader (`src/upload/`) or the local store
 * (`src/local/`). A sink never throws: every attempt resolves to an outcome value, and the
 * dispatcher decides what to count, retry or drop.
 */
import type { BackendErrorClass } from '../telemetry/counters.js';

export interface UnprocessedSegment {
  Id?: string;
  ErrorCode?: string;
  Message?: string;
}

export type SendOutcome =
  /** Accepted; `unprocessed` lists the documents the backend refused individually. */
  | { status: 'success'; unprocessed: UnprocessedSegment[]; failedAttempts?: BackendErrorClass[] }
  /** A passing failure (timeout, refused, 429, 5xx...): the batch may be tried again. */
  | { status: 'retryable'; errorClass: BackendErrorClass; message: string; retryAfterMs?: number }
  /** The backend refused the batch for good (400, other 4xx): its documents count as rejected. */
  | { status: 'failure'; errorClass?: BackendErrorClass; message: string; failedAttempts?: BackendErrorClass[] };
// `failedAttempts`: attempts the sink itself made and saw fail before this outcome (a credential
// refresh retry), so each failed attempt is counted once.

/**
 * One segment document (a JSON text) as the UDP receiver hands it on: the datagram's bytes after
 * the header line, never decoded on the relay path. Strings are accepted too (tests, other callers).
 */
export type SegmentDocument = Buffer | string;

/** A document's text (the local store parses it; the relay path never calls this). */
export function documentText(doc: SegmentDocument): string {
  return typeof doc === 'string' ? doc : doc.toString('utf8');
}

export interface SegmentSink {
  /** Delivers one batch of documents. `signal` aborts the attempt (shutdown, or the attempt's deadline). */
  send(documents: readonly SegmentDocument[], signal?: AbortSignal): Promise<SendOutcome>;
}
