/**
 * A segment's name. X-Ray names segments after services, OpenTelemetry names spans after
 * operations, so the Collector's `MakeSegment` (internal/translator/segment.go) looks for a service
 * name first, in this order, and falls back to the span name:
 * 1. `aws.local.service` for SERVER spans (and LOCAL_ROOT INTERNAL spans);
 * 2. `aws.remote.service` for CLIENT/PRODUCER/CONSUMER spans (`AWS.SDK.`/`AWS::` trimmed for AWS SDK calls);
 * 3. `peer.service`; 4. `aws.service`; 5. `db.name` (+ `@host` of `db.connection_string`);
 * 6. the resource's `service.name`, for SERVER spans only; 7. `rpc.service`; 8. `http.host`;
 * 9. `net.peer.name`; 10. (xrayd's addition, not in the Collector) `server.address` for CLIENT spans,
 * the stable HTTP conventions' name for the peer; 11. the span name without characters X-Ray refuses (max 200, else "span").
 * Empty values are skipped (X-Ray refuses an empty name); every name is cut to 200 characters.
 */
import type { OtlpSpan } from '../proto/otlp-trace-codec.js';
import { SpanKind } from '../proto/otlp-trace-codec.js';
import { asString, type Attributes } from './attribute-values.js';

const MAX_NAME_LENGTH = 200;
const INVALID_NAME_CHARACTERS = /[^ 0-9\p{L}\p{N}_.:/%&#=+\-@]/gu;

/**
 * The name from rules 1-3 (X-Ray's own service attributes and `peer.service`), or "". `aws.service`
 * sets namespace `aws` only when these gave no name, as in the Collector.
 */
export function nameBeforeAwsService(span: OtlpSpan, attributes: Attributes): string {
  const a = (key: string) => asString(attributes.get(key));
  const kind = span.kind;
  if (kind === SpanKind.SERVER || (kind === SpanKind.INTERNAL && a('aws.span.kind') === 'LOCAL_ROOT')) {
    const local = a('aws.local.service');
    if (local) return local;
  }
  if (kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER || kind === SpanKind.CONSUMER) {
    const remote = trimAwsSdkPrefix(a('aws.remote.service'), a('rpc.system') === 'aws-api');
    if (remote) return remote;
  }
  return a('peer.service');
}

export function segmentName(span: OtlpSpan, attributes: Attributes, resource: Attributes): string {
  const a = (key: string) => asString(attributes.get(key));
  const kind = span.kind;
  const candidates: (() => string)[] = [
    () => nameBeforeAwsService(span, attributes),
    () => a('aws.service'),
    () => dbName(a('db.name'), a('db.connection_string')),
    () => (kind === SpanKind.SERVER ? asString(resource.get('service.name')) : ''),
    () => a('rpc.service'),
    () => a('http.host'),
    () => a('net.peer.name'),
    // xrayd's addition: stable semconv's `server.address` replaced `net.peer.name` on client spans
    () => (kind === SpanKind.CLIENT ? a('server.address') : ''),
  ];
  for (const candidate of candidates) {
    const name = candidate();
    if (name) return name.slice(0, MAX_NAME_LENGTH);
  }
  return fixSegmentName(span.name ?? '');
}

export function fixSegmentName(name: string): string {
  const fixed = name.replace(INVALID_NAME_CHARACTERS, '').slice(0, MAX_NAME_LENGTH);
  return fixed || 'span';
}

function trimAwsSdkPrefix(name: string, isAwsSdk: boolean): string {
  if (!isAwsSdk) return name;
  if (name.startsWith('AWS.SDK.')) return name.slice('AWS.SDK.'.length);
  if (name.startsWith('AWS::')) return name.slice('AWS::'.length);
  return name;
}

/** `<db name>@<host>` from a (JDBC) connection string. */
function dbName(name: string, connection: string): string {
  if (!name || !connection) return name;
  try {
    const host = new URL(connection.replace(/^jdbc:/, '')).hostname;
    return host ? `${name}@${host}` : name;
  } catch {
    return name;
  }
}
