import type { Logger } from '../log/logger.js';
import type { SegmentDocument, SegmentSink, SendOutcome, UnprocessedSegment } from '../pipeline/segment-sink.js';
import { classifyFailure, describeError } from '../xray/errors.js';
import { xrayErrorType, type XrayClient, type XrayResponse } from '../xray/xray-client.js';
import { parseRetryAfter } from './backoff.js';
import { traceSegmentsBody } from './trace-segments-body.js';

/** 403 error types that mean "your credentials are stale", worth one refresh and retry. */
const CREDENTIAL_ERRORS = new Set(['InvalidSignatureException', 'ExpiredTokenException', 'ExpiredToken', 'UnrecognizedClientException', 'SignatureDoesNotMatch']);

/** Sends one PutTraceSegments call for these documents. */
export type PutTraceSegments = (documents: readonly SegmentDocument[], signal?: AbortSignal) => Promise<XrayResponse>;

/** PutTraceSegments through `client`: the body is built once as bytes and sent as is. */
export function putInThread(client: Pick<XrayClient, 'post'>): PutTraceSegments {
  return (documents, signal) => client.post('/TraceSegments', traceSegmentsBody(documents), signal);
}

/**
 * One attempt per `send`, its result as a value. The documents are embedded as JSON strings
 * without being parsed (they were never parsed on the relay path).
 */
export class XrayUploader implements SegmentSink {
  constructor(
    private readonly put: PutTraceSegments,
    private readonly logger: Logger,
    private readonly invalidateCredentials: () => void = () => {},
  ) {}

  async send(documents: readonly SegmentDocument[], signal?: AbortSignal): Promise<SendOutcome> {
    let outcome = await this.attempt(documents, signal);
    if (outcome.credentialError) {
      this.logger.warn({ reason: (outcome.result as { message: string }).message }, 'X-Ray rejected our credentials; refreshing them and retrying once');
      this.invalidateCredentials();
      const first = outcome.result;
      outcome = await this.attempt(documents, signal);
      if (outcome.result.status !== 'retryable') outcome.result.failedAttempts = [first.status === 'failure' ? (first.errorClass ?? 'http4xx') : 'http4xx'];
    }
    return outcome.result;
  }

  private async attempt(documents: readonly SegmentDocument[], signal?: AbortSignal): Promise<{ result: SendOutcome; credentialError?: boolean }> {
    let res;
    try {
      res = await this.put(documents, signal);
    } catch (err) {
      return { result: { status: 'retryable', errorClass: classifyFailure({ error: err }), message: describeError(err) } };
    }
    const { statusCode } = res;
    if (statusCode >= 200 && statusCode < 300) return { result: { status: 'success', unprocessed: parseUnprocessed(res.body) } };
    const { type, message } = xrayErrorType(res);
    const errorClass = classifyFailure({ statusCode });
    const text = `HTTP ${statusCode} ${type}${message ? `: ${message}` : ''}`;
    if (statusCode === 429 || statusCode >= 500) {
      return { result: { status: 'retryable', errorClass, message: text, retryAfterMs: parseRetryAfter(res.headers['retry-after']) } };
    }
    return { result: { status: 'failure', errorClass, message: text }, credentialError: statusCode === 403 && CREDENTIAL_ERRORS.has(type) };
  }
}

function parseUnprocessed(body: string): UnprocessedSegment[] {
  try {
    const parsed = JSON.parse(body) as { UnprocessedTraceSegments?: unknown };
    return Array.isArray(parsed.UnprocessedTraceSegments) ? (parsed.UnprocessedTraceSegments as UnprocessedSegment[]) : [];
  } catch {
    return [];
  }
}
