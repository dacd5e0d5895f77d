/**
 * OTLP spans -> X-Ray segment documents, following AWS's own translator, the Collector's
 * awsxrayexporter (`exporter/awsxrayexporter/internal/translator/segment.go` and the files named in
 * ./to-xray/). Pure functions over plain values; docs/otel-mapping.md lists every rule.
 *
 * - trace id `aaaaaaaa` + 24 hex -> `1-aaaaaaaa-<24 hex>`; span id and parent span id kept;
 * - a span is a segment when it has no parent or is a SERVER span, else an independent subsegment
 *   (`namespace: remote` for CLIENT spans, `aws` for AWS SDK calls);
 * - the name is a service name in AWS's order (see `segmentName`);
 * - `aws.span.kind = LOCAL_ROOT` CLIENT/PRODUCER/CONSUMER spans become a service segment plus a
 *   dependency subsegment (ADOT's Application Signals spans), as the Collector does.
 */
import { randomBytes } from 'node:crypto';
import { SpanKind, toBigInt, type OtlpTraceRequest, type OtlpSpan } from './proto/otlp-trace-codec.js';
import { asString, attributeMap, rawValue, type Attributes } from './to-xray/attribute-values.js';
import { makeHttp } from './to-xray/http-block.js';
import { makeCause } from './to-xray/cause-block.js';
import { compact, determineOrigin, makeAws, makeService, makeSql } from './to-xray/aws-block.js';
import { makeAttributeBlocks, type AttributeOptions } from './to-xray/annotations.js';
import { nameBeforeAwsService, segmentName } from './to-xray/segment-name.js';
import { isPrecursorLink, takeCarriedFields } from './to-xray/xray-carried-fields.js';

export type XraySegmentDocument = Record<string, unknown> & { id: string; trace_id: string; name: string };

export interface TranslateOptions extends AttributeOptions {
  /**
   * Epoch seconds "now" when trace ids must be ones X-Ray's PutTraceSegments takes (first 8 hex
   * digits an epoch second from 28 days ago to 5 minutes ahead, as the Collector checks); undefined
   * accepts any non-zero id (the local backend).
   */
  xrayIdsAt?: number;
  /** Exception and service-segment ids (random 16 hex by default; tests pass a counter). */
  newId?: () => string;
}

/** Why a span was not translated (counted per reason). */
export type SpanRejection = 'invalid-id' | 'non-xray-trace-id';

export interface Translation {
  documents: XraySegmentDocument[];
  /** Spans translated (one span may give two documents). */
  spans: number;
  rejected: Partial<Record<SpanRejection, number>>;
}

const MAX_AGE_SECONDS = 28 * 24 * 3600;
const CALL_AWS_FIELDS = ['operation', 'account_id', 'remote_region', 'request_id', 'queue_url', 'table_name', 'table_names'];
const MAX_SKEW_SECONDS = 5 * 60;
const randomId = () => randomBytes(8).toString('hex');

/** Translates every span of an export request. */
export function translateRequest(request: OtlpTraceRequest, opts: TranslateOptions): Translation {
  const out: Translation = { documents: [], spans: 0, rejected: {} };
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributeMap(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const result = translateSpan(span, resource, opts);
        if (typeof result === 'string') out.rejected[result] = (out.rejected[result] ?? 0) + 1;
        else {
          out.documents.push(...result);
          out.spans++;
        }
      }
    }
  }
  return out;
}

/** The hex trace id as X-Ray writes it, or a rejection. */
export function xrayTraceId(traceId: Uint8Array | undefined, xrayIdsAt?: number): string | SpanRejection {
  if (!traceId || traceId.length !== 16 || traceId.every((b) => b === 0)) return 'invalid-id';
  const hex = toHexString(traceId);
  if (xrayIdsAt !== undefined) {
    const age = xrayIdsAt - Number.parseInt(hex.slice(0, 8), 16);
    if (age > MAX_AGE_SECONDS || age < -MAX_SKEW_SECONDS) return 'non-xray-trace-id';
  }
  return `1-${hex.slice(0, 8)}-${hex.slice(8)}`;
}

function spanIdHex(id: Uint8Array | undefined): string | undefined {
  return id && id.length === 8 && !id.every((b) => b === 0) ? toHexString(id) : undefined;
}

/** Hex of decoded bytes without copying them (protobufjs hands out Buffers in Node). */
function toHexString(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('hex');
}

export function translateSpan(span: OtlpSpan, resource: Attributes, opts: TranslateOptions): XraySegmentDocument[] | SpanRejection {
  const traceId = xrayTraceId(span.traceId, opts.xrayIdsAt);
  if (traceId === 'invalid-id' || traceId === 'non-xray-trace-id') return traceId;
  const id = spanIdHex(span.spanId);
  if (!id) return 'invalid-id';
  const attributes = attributeMap(span.attributes);
  const localRoot = asString(attributes.get('aws.span.kind')) === 'LOCAL_ROOT';
  if (!localRoot || span.kind === SpanKind.SERVER || span.kind === SpanKind.INTERNAL) {
    const doc = makeSegment(span, id, traceId, attributes, resource, opts);
    if (localRoot) [doc.type, doc.namespace] = [undefined, undefined];
    return [clean(doc)];
  }
  return localRootDependency(span, id, traceId, attributes, resource, opts);
}

/** segment.go MakeServiceSegmentAndDependencySubsegment: the service's segment, the call as its subsegment. */
function localRootDependency(span: OtlpSpan, id: string, traceId: string, attributes: Attributes, resource: Attributes, opts: TranslateOptions): XraySegmentDocument[] {
  const serviceId = (opts.newId ?? randomId)();
  const dependency = makeSegment(span, id, traceId, attributes, resource, opts);
  dependency.type = 'subsegment';
  dependency.parent_id = serviceId;
  dependency.namespace ??= 'remote';
  if (attributes.has('aws.remote.service')) dependency.name = segmentName({ ...span, kind: SpanKind.CLIENT }, attributes, resource);
  if (span.kind === SpanKind.CONSUMER) delete dependency.links;
  const serviceAttributes = new Map(attributes);
  for (const k of ['aws.remote.service', 'aws.remote.operation', 'remoteTarget', 'K8s.RemoteNamespace']) serviceAttributes.delete(k);
  const service = makeSegment(span, serviceId, traceId, serviceAttributes, resource, opts);
  if (attributes.has('aws.local.service')) service.name = asString(attributes.get('aws.local.service'));
  delete service.http;
  if (service.aws) {
    // the call's fields belong to the dependency subsegment; the service keeps where it runs
    const rest = { ...(service.aws as Record<string, unknown>) };
    for (const k of CALL_AWS_FIELDS) delete rest[k];
    service.aws = compact(rest);
  }
  const meta = service.metadata as Record<string, Record<string, unknown>> | undefined;
  for (const ns of Object.values(meta ?? {})) for (const k of Object.keys(ns)) if (!k.startsWith('otel.resource.')) delete ns[k];
  [service.type, service.namespace] = [undefined, undefined];
  if (span.kind !== SpanKind.CONSUMER) delete service.links;
  return [clean(dependency), clean(service)];
}

/** segment.go MakeSegment. */
function makeSegment(span: OtlpSpan, id: string, traceId: string, attributes: Attributes, resource: Attributes, opts: TranslateOptions): XraySegmentDocument {
  const parentId = spanIdHex(span.parentSpanId);
  const isSubsegment = span.kind !== SpanKind.SERVER && parentId !== undefined;
  const language = asString(resource.get('telemetry.sdk.language'));
  const carried = takeCarriedFields(attributes);
  const http = makeHttp(span, carried.rest);
  const cause = makeCause(span, attributes, http.rest, language, opts.newId ?? randomId);
  const aws = makeAws(cause.rest, resource);
  const sql = makeSql(span.name ?? '', aws.rest);
  // attributes another block consumed come back when explicitly configured for indexing
  let remaining = sql.rest;
  if (opts.indexedAttributes.some((name) => !remaining.has(name) && attributes.has(name))) {
    remaining = new Map(remaining);
    for (const name of opts.indexedAttributes) if (!remaining.has(name) && attributes.has(name)) remaining.set(name, attributes.get(name)!);
  }
  const blocks = makeAttributeBlocks(remaining, isSubsegment ? undefined : resource, opts);
  const isAwsSdk = asString(attributes.get('rpc.system')) === 'aws-api';
  let namespace: string | undefined = isAwsSdk || (attributes.has('aws.service') && !nameBeforeAwsService(span, attributes)) ? 'aws' : undefined;
  if (!namespace && span.kind === SpanKind.CLIENT) namespace = 'remote';
  const links = makeLinks(span);
  const doc: XraySegmentDocument = {
    id,
    trace_id: traceId,
    name: segmentName(span, attributes, resource),
    start_time: seconds(span.startTimeUnixNano),
    end_time: seconds(span.endTimeUnixNano),
    parent_id: parentId,
    type: isSubsegment ? 'subsegment' : undefined,
    namespace: carried.namespace ?? namespace,
    fault: carried.flags?.fault ?? cause.fault,
    error: carried.flags?.error ?? cause.error,
    throttle: carried.flags?.throttle ?? cause.throttle,
    cause: cause.cause,
    origin: carried.origin ?? determineOrigin(resource),
    user: blocks.user,
    http: http.http,
    aws: aws.aws,
    service: makeService(resource),
    sql: sql.sql,
    annotations: blocks.annotations,
    metadata: blocks.metadata,
    links: links.links,
    precursor_ids: links.precursorIds,
  };
  // namespace "remote" is added for CLIENT/PRODUCER/CONSUMER calls to a named remote service
  if (!doc.namespace && isSubsegment && span.kind !== SpanKind.INTERNAL && span.kind !== SpanKind.SERVER && attributes.has('aws.remote.service')) doc.namespace = 'remote';
  return doc;
}

function seconds(nanos: OtlpSpan['startTimeUnixNano']): number {
  const ns = toBigInt(nanos);
  return Number(ns / 1000n) / 1e6;
}

/** Span links (span_links.go), except those xrayd's exporter made from `precursor_ids`, which go back there. */
function makeLinks(span: OtlpSpan): { links: Record<string, unknown>[] | undefined; precursorIds: string[] | undefined } {
  const links = [];
  const precursorIds: string[] = [];
  for (const link of span.links ?? []) {
    const traceId = xrayTraceId(link.traceId);
    const id = spanIdHex(link.spanId);
    if (traceId === 'invalid-id' || traceId === 'non-xray-trace-id' || !id) continue;
    if (isPrecursorLink(link)) {
      precursorIds.push(id);
      continue;
    }
    const attributes = Object.fromEntries([...attributeMap(link.attributes)].map(([k, v]) => [k, rawValue(v)]));
    links.push({ trace_id: traceId, id, ...(Object.keys(attributes).length ? { attributes } : {}) });
  }
  return { links: links.length ? links : undefined, precursorIds: precursorIds.length ? precursorIds : undefined };
}

/** A copy without undefined fields, so the document holds only what is set (cheaper than `delete`, which slows objects down). */
function clean(doc: XraySegmentDocument): XraySegmentDocument {
  const out: Record<string, unknown> = {};
  for (const k in doc) if (doc[k] !== undefined) out[k] = doc[k];
  return out as XraySegmentDocument;
}
