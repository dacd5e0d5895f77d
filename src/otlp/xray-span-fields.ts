/**
 * The per-span blocks of a (sub)segment as OTLP attributes and events: `http`, `aws`, `sql`,
 * `cause`, annotations and metadata. Pure functions over the parsed JSON (see docs/otel-mapping.md,
 * "X-Ray → OTLP (export)", for the table and the Collector files compared against).
 */
import type { OtlpEvent } from './proto/otlp-trace-codec.js';
import { AttributeList, field, isObject, scalarValue } from './otlp-values.js';
import { XRAY_ATTR } from './xray-attribute-names.js';

/** `http.request` / `http.response` to the stable HTTP semantic conventions. */
export function addHttp(http: unknown, attrs: AttributeList): void {
  const req = field(http, 'request');
  attrs.putString('http.request.method', field(req, 'method'));
  attrs.putString('url.full', field(req, 'url'));
  attrs.putString('user_agent.original', field(req, 'user_agent'));
  attrs.putString('client.address', field(req, 'client_ip'));
  attrs.put(XRAY_ATTR.xForwardedFor, asBool(field(req, 'x_forwarded_for')));
  attrs.put(XRAY_ATTR.traced, asBool(field(req, 'traced')));
  const res = field(http, 'response');
  attrs.put('http.response.status_code', asInt(field(res, 'status')));
  attrs.put('http.response.body.size', asInt(field(res, 'content_length')));
}

/** Keys of the `aws` block that describe the host: they go to the resource (see xray-resource.ts). */
export const AWS_RESOURCE_KEYS = new Set(['ec2', 'ecs', 'eks', 'elastic_beanstalk', 'xray', 'account_id']);

/** The call-level `aws` fields; any other key keeps its X-Ray name under `aws.` (objects as JSON). */
export function addAws(aws: unknown, isAwsCall: boolean, attrs: AttributeList): void {
  if (!isObject(aws)) return;
  attrs.putString('aws.account_id', aws.account_id);
  attrs.putString('aws.operation', aws.operation);
  if (isAwsCall) {
    attrs.putString('rpc.system', 'aws-api');
    attrs.putString('rpc.method', aws.operation);
  }
  attrs.putString('aws.region', aws.region);
  attrs.putString('cloud.region', aws.region);
  attrs.putString('aws.request_id', aws.request_id);
  attrs.putString('aws.queue_url', aws.queue_url);
  attrs.putString('aws.table_name', aws.table_name);
  if (typeof aws.table_name === 'string') attrs.putStrings('aws.dynamodb.table_names', [aws.table_name]);
  attrs.put(XRAY_ATTR.retries, asInt(aws.retries));
  for (const [key, value] of Object.entries(aws)) {
    if (AWS_RESOURCE_KEYS.has(key) || attrs.has(`aws.${key}`) || key === 'retries') continue;
    if (isObject(value) || Array.isArray(value)) attrs.putJson(`aws.${key}`, value);
    else attrs.put(`aws.${key}`, value);
  }
}

/** `sql` to the database conventions (both the names AWS's exporter reads and the current ones). */
export function addSql(sql: unknown, attrs: AttributeList): void {
  if (!isObject(sql)) return;
  const url = typeof sql.url === 'string' ? sql.url : sql.connection_string;
  attrs.putString('db.connection_string', url);
  const dbName = typeof url === 'string' ? /^[^?]+\/\/[^/?]+\/([^?]+)/.exec(url)?.[1] : undefined;
  attrs.putString('db.name', dbName);
  attrs.putString('db.namespace', dbName);
  if (typeof sql.database_type === 'string') attrs.putString('db.system', sql.database_type.toLowerCase());
  attrs.putString('db.statement', sql.sanitized_query);
  attrs.putString('db.query.text', sql.sanitized_query);
  attrs.putString('db.user', sql.user);
  for (const key of ['driver_version', 'database_version', 'preparation', 'database_type']) attrs.put(`${XRAY_ATTR.sqlPrefix}${key}`, sql[key]);
}

/** A stack frame list in the common "Type: message\n\tat label(path:line)" layout. */
function stacktrace(type: unknown, message: unknown, stack: unknown[]): string {
  const lines = [`${typeof type === 'string' ? type : ''}: ${typeof message === 'string' ? message : ''}`];
  for (const frame of stack) {
    const label = field(frame, 'label');
    const path = field(frame, 'path');
    const line = field(frame, 'line');
    lines.push(`\tat ${typeof label === 'string' ? label : ''}(${typeof path === 'string' ? path : ''}:${typeof line === 'number' ? line : '<unknown>'})`);
  }
  return lines.join('\n');
}

/**
 * `cause`: each exception becomes an `exception` event (at the span's end, when it was recorded),
 * the working directory and paths span attributes; a cause that is only an exception id (recorded
 * on another subsegment) becomes `aws.xray.cause.id`. Returns the status message to use.
 */
export function addCause(cause: unknown, timeUnixNano: bigint | undefined, attrs: AttributeList, events: OtlpEvent[]): string | undefined {
  if (typeof cause === 'string') {
    attrs.putString(XRAY_ATTR.causeId, cause);
    return cause;
  }
  if (!isObject(cause)) return undefined;
  attrs.putString(XRAY_ATTR.causeWorkingDirectory, cause.working_directory);
  attrs.putStrings(XRAY_ATTR.causePaths, cause.paths);
  let message: string | undefined;
  for (const ex of Array.isArray(cause.exceptions) ? cause.exceptions : []) {
    if (!isObject(ex)) continue;
    const ev = new AttributeList();
    ev.putString('exception.type', ex.type);
    ev.putString('exception.message', ex.message);
    if (Array.isArray(ex.stack) && ex.stack.length) ev.putString('exception.stacktrace', stacktrace(ex.type, ex.message, ex.stack));
    ev.putString(XRAY_ATTR.exceptionId, ex.id);
    ev.put(XRAY_ATTR.exceptionRemote, asBool(ex.remote));
    ev.put(XRAY_ATTR.exceptionTruncated, asInt(ex.truncated));
    ev.put(XRAY_ATTR.exceptionSkipped, asInt(ex.skipped));
    ev.putString(XRAY_ATTR.exceptionCause, ex.cause);
    events.push({ name: 'exception', ...(timeUnixNano !== undefined ? { timeUnixNano: timeUnixNano.toString() } : {}), attributes: ev.list });
    message ??= typeof ex.message === 'string' ? ex.message : typeof ex.type === 'string' ? ex.type : undefined;
  }
  return message;
}

/**
 * Annotations: each a span attribute under its own name, with their keys listed in
 * `aws.xray.annotations`, which is how AWS's exporter tells annotations from metadata. A key that
 * an X-Ray field already set (e.g. an annotation called `http.request.method`) is written as
 * `aws.xray.annotation.<key>` instead, and listed under that name, so neither value is lost.
 */
export function addAnnotations(annotations: unknown, attrs: AttributeList): void {
  if (!isObject(annotations)) return;
  const keys: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    const v = scalarValue(value);
    if (!v) continue;
    const name = attrs.has(key) || key === XRAY_ATTR.annotations ? `${XRAY_ATTR.annotationPrefix}${key}` : key;
    if (attrs.has(name)) continue;
    attrs.putValue(name, v);
    keys.push(name);
  }
  if (keys.length) attrs.putStrings(XRAY_ATTR.annotations, keys);
}

/** Metadata: one `aws.xray.metadata.<namespace>` attribute holding the namespace's JSON. */
export function addMetadata(metadata: unknown, attrs: AttributeList): void {
  if (!isObject(metadata)) return;
  for (const [namespace, value] of Object.entries(metadata)) attrs.putJson(`${XRAY_ATTR.metadataPrefix}${namespace}`, value);
}

function asBool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** Integers as numbers; numeric strings too (some SDKs send `content_length` as a string). */
function asInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}
