import type { Logger } from '../log/logger.js';
import { documentText, type SegmentDocument, type SegmentSink, type SendOutcome, type UnprocessedSegment } from '../pipeline/segment-sink.js';
import type { BackendErrorClass } from '../telemetry/counters.js';
import { classifyFailure, describeError } from '../xray/errors.js';
import { xrayErrorType, type XrayClient, type XrayResponse } from '../xray/xray-client.js';
import { parseRetryAfter } from './backoff.js';
import { isOtlpDocument } from '../otlp/otlp-document.js';
import { traceSegmentsBody } from './trace-segments-body.js';

/** 403 error types that mean "your credentials are stale", worth one refresh and retry. */
const CREDENTIAL_ERRORS = new Set(['InvalidSignatureException', 'ExpiredTokenException', 'ExpiredToken', 'UnrecognizedClientException', 'SignatureDoesNotMatch']);

/** Sends one PutTraceSegments call for these documents. */
export type PutTraceSegments = (documents: readonly SegmentDocument[], signal?: AbortSignal) => Promise<XrayResponse>;

/** One signed POST of an OTLP protobuf body to X-Ray's `/v1/traces` (`--otlp-upload`). */
export type PostOtlp = (body: Uint8Array, signal?: AbortSignal) => Promise<XrayResponse>;

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
    private readonly postOtlp?: PostOtlp,
  ) {}

  /**
   * Segment documents go in one PutTraceSegments call; OTLP documents (`--otlp-upload`) in OTLP
   * requests after it. The batch succeeds when every call does; otherwise the first failure is the
   * batch's outcome, and a retry sends the parts that had succeeded again (X-Ray keeps the latest
   * version of a segment id, so segments are not duplicated).
   */
  async send(documents: readonly SegmentDocument[], signal?: AbortSignal): Promise<SendOutcome> {
    const otlp = this.postOtlp ? documents.filter(isOtlpDocument).map(documentText) : [];
    if (otlp.length === 0) return this.sendOne((s) => this.attempt(documents, s), signal);
    const segments = documents.filter((d) => !isOtlpDocument(d));
    const unprocessed: UnprocessedSegment[] = [];
    const failedAttempts: BackendErrorClass[] = [];
    // the OTLP codec is loaded with the first OTLP document (--otlp-upload only)
    const { otlpBodies } = await import('./otlp-upload.js');
    const calls = [
      ...(segments.length ? [(s?: AbortSignal) => this.attempt(segments, s)] : []),
      ...otlpBodies(otlp).map((body) => (s?: AbortSignal) => this.attemptOtlp(body, s)),
    ];
    for (const call of calls) {
      const outcome = await this.sendOne(call, signal);
      if (outcome.status !== 'success') return outcome;
      unprocessed.push(...outcome.unprocessed);
      failedAttempts.push(...(outcome.failedAttempts ?? []));
    }
    return { status: 'success', unprocessed, ...(failedAttempts.length ? { failedAttempts } : {}) };
  }

  private async attemptOtlp(body: Uint8Array, signal?: AbortSignal): Promise<{ result: SendOutcome; credentialError?: boolean }> {
    const { otlpRejected } = await import('./otlp-upload.js');
    return this.classify(() => this.postOtlp!(body, signal), (res) => {
      const { rejected, message } = otlpRejected(res.raw);
      return Array.from({ length: rejected }, () => ({ ErrorCode: 'OtlpPartialSuccess', Message: message || 'rejected by X-Ray' }));
    });
  }

  /** One call, refreshing credentials and retrying once when X-Ray says they are stale. */
  private async sendOne(
    call: (signal?: AbortSignal) => Promise<{ result: SendOutcome; credentialError?: boolean }>,
    signal?: AbortSignal,
  ): Promise<SendOutcome> {
    let outcome = await call(signal);
    if (outcome.credentialError) {
      this.logger.warn({ reason: (outcome.result as { message: string }).message }, 'X-Ray rejected our credentials; refreshing them and retrying once');
      this.invalidateCredentials();
      const first = outcome.result;
      outcome = await call(signal);
      if (outcome.result.status !== 'retryable') outcome.result.failedAttempts = [first.status === 'failure' ? (first.errorClass ?? 'http4xx') : 'http4xx'];
    }
    return outcome.result;
  }

  private attempt(documents: readonly SegmentDocument[], signal?: AbortSignal): Promise<{ result: SendOutcome; credentialError?: boolean }> {
    return this.classify(() => this.put(documents, signal), (res) => parseUnprocessed(res.body));
  }

  /** An X-Ray answer as an outcome: 2xx success, 429/5xx/no answer retryable, other 4xx failure. */
  private async classify(
    call: () => Promise<XrayResponse>,
    unprocessedOf: (res: XrayResponse) => UnprocessedSegment[],
  ): Promise<{ result: SendOutcome; credentialError?: boolean }> {
    let res;
    try {
      res = await call();
    } catch (err) {
      return { result: { status: 'retryable', errorClass: classifyFailure({ error: err }), message: describeError(err) } };
    }
    const { statusCode } = res;
    if (statusCode >= 200 && statusCode < 300) return { result: { status: 'success', unprocessed: unprocessedOf(res) } };
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
