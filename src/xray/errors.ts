import { redactUrlCredentials } from '../log/redact-url.js';
import type { BackendErrorClass } from '../telemetry/counters.js';

/** Our own request timeout (the whole request, not just connect): classified as `timeout`. */
export class RequestTimeoutError extends Error {
  readonly code = 'XRAYD_REQUEST_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

const TIMEOUT_CODES = new Set(['XRAYD_REQUEST_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const UNKNOWN_HOST_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/** The error codes found along an error's `cause` chain (undici wraps the socket error). */
export function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Telemetry's backend error class for a failed attempt, from error codes and HTTP status only
 * (never from message text). Reset, TLS and anything unrecognised is `other`.
 */
export function classifyFailure(failure: { error?: unknown; statusCode?: number }): BackendErrorClass {
  if (failure.statusCode !== undefined) {
    if (failure.statusCode >= 500) return 'http5xx';
    if (failure.statusCode >= 400) return 'http4xx';
    return 'other';
  }
  const codes = codesOf(failure.error);
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return 'timeout';
  if (codes.some((c) => REFUSED_CODES.has(c))) return 'refused';
  if (codes.some((c) => UNKNOWN_HOST_CODES.has(c))) return 'unknownHost';
  return 'other';
}

/** A short description for logs: the innermost code and message. */
export function describeError(err: unknown): string {
  const codes = codesOf(err);
  // a proxy error may quote the proxy URL, password included
  const msg = redactUrlCredentials(err instanceof Error ? err.message : String(err));
  return codes.length ? `${codes.at(-1)}: ${msg}` : msg;
}

/**
 * No credentials could be obtained for signing. Requests are never sent unsigned: callers answer
 * with an error instead (the sampling proxy: 502 with this message).
 */
export class CredentialsUnavailableError extends Error {
  readonly code = 'XRAYD_NO_CREDENTIALS';
  constructor(cause: unknown) {
    super(`no AWS credentials available to sign the request (${describeError(cause)})`, { cause });
    this.name = 'CredentialsUnavailableError';
  }
}

/** X-Ray answered with more than we are willing to hold; the answer is dropped, not truncated. */
export class ResponseTooLargeError extends Error {
  readonly code = 'XRAYD_RESPONSE_TOO_LARGE';
  constructor(limitBytes: number) {
    super(`response larger than ${limitBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}
