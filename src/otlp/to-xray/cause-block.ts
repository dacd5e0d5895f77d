/**
 * Error flags and `cause` as the Collector's awsxrayexporter sets them (`internal/translator/cause.go`):
 * - HTTP status (`http.status_code` / `http.response.status_code`) 4xx -> `error` (429 also
 *   `throttle`), 5xx -> `fault`; without one in 400-599, span status ERROR -> `fault`.
 * - `exception` events -> `cause.exceptions` (type, message, `remote` for CLIENT/PRODUCER spans, stack
 *   frames parsed from `exception.stacktrace` for the languages below); otherwise a status ERROR with
 *   a message (or `http.status_text`) becomes one exception.
 */
import type { OtlpSpan } from '../proto/otlp-trace-codec.js';
import { SpanKind, StatusCode } from '../proto/otlp-trace-codec.js';
import { asInt, asString, attributeMap, type Attributes } from './attribute-values.js';
import { toBigInt, type Int64 } from '../proto/otlp-trace-codec.js';
import { parseStack, type StackFrame } from './stack-frames.js';

export interface XrayException {
  id: string;
  type?: string;
  message?: string;
  remote?: boolean;
  stack?: StackFrame[];
  cause?: string;
}

export interface CauseResult {
  error: boolean;
  fault: boolean;
  throttle: boolean;
  cause: { exceptions: XrayException[] } | undefined;
  rest: Attributes;
}

/** `attributes`: those left by the http block; the status code is read from the span's own (`all`). */
export function makeCause(span: OtlpSpan, all: Attributes, attributes: Attributes, sdkLanguage: string, newId: () => string): CauseResult {
  let rest = attributes;
  let cause: CauseResult['cause'];
  const isError = span.status?.code === StatusCode.ERROR;
  const isAwsSdk = asString(all.get('rpc.system')) === 'aws-api';
  const exceptionEvents = (span.events ?? []).filter((e) => e.name === 'exception' || (isAwsSdk && e.name === AWS_HTTP_FAILURE_EVENT));
  if (exceptionEvents.length > 0) {
    const remote = span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER;
    const exceptions: XrayException[] = [];
    for (const event of exceptionEvents) {
      const a = attributeMap(event.attributes);
      if (event.name === AWS_HTTP_FAILURE_EVENT) {
        const failure = awsHttpFailure(a, event.timeUnixNano, newId);
        if (failure) exceptions.push(failure);
        continue;
      }
      // ids, remote and cause links written by xrayd's exporter (aws.xray.exception.*) are read back
      const carriedRemote = a.get('aws.xray.exception.remote')?.boolValue;
      const head: XrayException = {
        id: asString(a.get('aws.xray.exception.id')) || newId(),
        type: asString(a.get('exception.type')) || undefined,
        remote: typeof carriedRemote === 'boolean' ? carriedRemote : remote,
        message: asString(a.get('exception.message')) || undefined,
      };
      const carriedCause = asString(a.get('aws.xray.exception.cause'));
      if (carriedCause) head.cause = carriedCause;
      const stacktrace = asString(a.get('exception.stacktrace'));
      exceptions.push(head);
      if (stacktrace) {
        const parsed = parseStack(sdkLanguage, stacktrace);
        if (parsed.frames) head.stack = parsed.frames;
        // chained causes ("Caused by: ...") follow as their own exceptions, linked by id
        let previous = head;
        for (const c of parsed.causes) {
          const next: XrayException = { id: newId(), type: c.type, remote, message: c.message, ...(c.frames.length ? { stack: c.frames } : {}) };
          previous.cause = next.id;
          exceptions.push(next);
          previous = next;
        }
      }
    }
    cause = { exceptions };
  } else if (isError) {
    let message = span.status?.message ?? '';
    rest = new Map(attributes);
    const statusText = rest.get('http.status_text');
    if (statusText) {
      rest.delete('http.status_text');
      if (!message) message = asString(statusText);
    }
    if (message) cause = { exceptions: [{ id: newId(), message }] };
  }
  const code = asInt(all.get('http.status_code') ?? all.get('http.response.status_code'));
  const flags = { error: false, fault: false, throttle: false };
  if (code === undefined || code < 400 || code > 599) flags.fault = isError;
  else if (code <= 499) {
    flags.error = true;
    flags.throttle = code === 429;
  } else flags.fault = true;
  return { ...flags, cause, rest };
}

/** The event the AWS SDK instrumentation records for each failed HTTP attempt of an AWS call (cause.go). */
const AWS_HTTP_FAILURE_EVENT = 'HTTP request failure';

/** cause.go: `<status>@<event time in seconds, 6 decimals>@<aws.http.error_message>`, type `aws.http.error.event`. */
function awsHttpFailure(a: Attributes, timeUnixNano: Int64 | undefined, newId: () => string): XrayException | undefined {
  const status = a.get('http.response.status_code');
  const message = a.get('aws.http.error_message');
  if (!status || !message) return undefined;
  const micros = timeUnixNano === undefined ? 0n : toBigInt(timeUnixNano) / 1000n;
  return { id: newId(), type: 'aws.http.error.event', remote: true, message: `${asString(status)}@${(Number(micros) / 1e6).toFixed(6)}@${asString(message)}` };
}
