/**
 * X-Ray segment documents -> an OTLP ExportTraceServiceRequest, as pure functions over parsed JSON.
 * Used by the OTLP exporter (src/export/) and by the X-Ray API's `TraceFormat: OTEL` answers.
 *
 * One document (a segment, or an independent subsegment) becomes one resource with its spans; its
 * embedded subsegments are flattened into child spans that carry their parent's id. Documents with
 * the same resource share one ResourceSpans. The rules, and what they keep that the Collector's
 * awsxrayreceiver drops, are in docs/otel-mapping.md, "X-Ray → OTLP (export)".
 */
import { SpanKind, StatusCode, type OtlpLink, type OtlpResourceSpans, type OtlpSpan, type OtlpTraceRequest, type OtlpEvent } from './proto/otlp-trace-codec.js';
import { AttributeList, isObject } from './otlp-values.js';
import { XRAY_ATTR } from './xray-attribute-names.js';
import { isEpochSeconds, secondsToNanos, xraySpanIdToBytes, xrayTraceIdToBytes } from './xray-ids.js';
import { resourceAttributes } from './xray-resource.js';
import { addAnnotations, addAws, addCause, addHttp, addMetadata, addSql } from './xray-span-fields.js';
import { fromBigInt } from './proto/otlp-trace-codec.js';

/** Instrumentation scope of every translated span. */
export const XRAY_SCOPE = { name: 'xrayd/xray-segments' } as const;
/** Subsegments nested deeper than this make the document untranslatable (bounded recursion). */
export const MAX_SUBSEGMENT_DEPTH = 64;

export type DocumentTranslation =
  | { ok: true; resourceSpans: OtlpResourceSpans; spans: number }
  /** `inProgress`: a top-level document still in progress (not exported: its final version follows). */
  | { ok: false; reason: string; inProgress?: boolean };

export interface SegmentsTranslation {
  request: OtlpTraceRequest;
  /** Spans in `request`. */
  spans: number;
  /** Documents that were not translated, by index in the input, with why. */
  skipped: { index: number; reason: string; inProgress?: boolean }[];
}

interface Context {
  traceId: Uint8Array;
  parentId: Uint8Array | undefined;
  topLevel: boolean;
  independent: boolean;
  /** End of the nearest ancestor, for an embedded subsegment still in progress. */
  ancestorEnd: bigint | undefined;
  depth: number;
}

/** Translates one parsed document (a segment or an independent subsegment). */
export function documentToOtlp(doc: unknown): DocumentTranslation {
  if (!isObject(doc)) return { ok: false, reason: 'document is not a JSON object' };
  const traceId = xrayTraceIdToBytes(doc.trace_id);
  if (!traceId) return { ok: false, reason: `trace_id is not an X-Ray trace id (1-xxxxxxxx-<24 hex>): ${JSON.stringify(doc.trace_id)}` };
  if (doc.in_progress === true) return { ok: false, inProgress: true, reason: 'in progress (the completed segment is exported when it arrives)' };
  const parentId = doc.parent_id === undefined ? undefined : xraySpanIdToBytes(doc.parent_id);
  if (doc.parent_id !== undefined && !parentId) return { ok: false, reason: `parent_id is not 16 hex digits: ${JSON.stringify(doc.parent_id)}` };
  const spans: OtlpSpan[] = [];
  const independent = doc.type === 'subsegment';
  const error = addSpans(doc, { traceId, parentId, topLevel: true, independent, ancestorEnd: undefined, depth: 0 }, spans);
  if (error) return { ok: false, reason: error };
  return {
    ok: true,
    spans: spans.length,
    resourceSpans: { resource: { attributes: resourceAttributes(doc) }, scopeSpans: [{ scope: { ...XRAY_SCOPE }, spans }] },
  };
}

/** Translates many documents into one request; untranslatable ones are listed in `skipped`. */
export function translateSegments(documents: readonly unknown[]): SegmentsTranslation {
  const byResource = new Map<string, OtlpResourceSpans>();
  const skipped: SegmentsTranslation['skipped'] = [];
  let spans = 0;
  documents.forEach((doc, index) => {
    const t = documentToOtlp(doc);
    if (!t.ok) return void skipped.push({ index, reason: t.reason, ...(t.inProgress ? { inProgress: true } : {}) });
    spans += t.spans;
    const key = JSON.stringify(t.resourceSpans.resource);
    const same = byResource.get(key);
    if (same) same.scopeSpans![0].spans!.push(...t.resourceSpans.scopeSpans![0].spans!);
    else byResource.set(key, t.resourceSpans);
  });
  return { request: { resourceSpans: [...byResource.values()] }, spans, skipped };
}

/** The request for these documents (untranslatable ones left out). */
export function segmentsToOtlp(documents: readonly unknown[]): OtlpTraceRequest {
  return translateSegments(documents).request;
}

/** Appends the span of `seg` and then those of its subsegments; returns an error text or undefined. */
function addSpans(seg: Record<string, unknown>, ctx: Context, out: OtlpSpan[]): string | undefined {
  const where = ctx.topLevel ? 'document' : `subsegment ${JSON.stringify(seg.id)}`;
  if (ctx.depth > MAX_SUBSEGMENT_DEPTH) return `subsegments nested deeper than ${MAX_SUBSEGMENT_DEPTH}`;
  const spanId = xraySpanIdToBytes(seg.id);
  if (!spanId) return `${where}: id is not 16 hex digits: ${JSON.stringify(seg.id)}`;
  if (typeof seg.name !== 'string' || seg.name === '') return `${where}: name is missing`;
  if (!isEpochSeconds(seg.start_time)) return `${where}: start_time is not a positive number of epoch seconds (up to year 2554)`;
  const start = secondsToNanos(seg.start_time);
  const inProgress = !isEpochSeconds(seg.end_time);
  if (inProgress && ctx.topLevel) return `${where}: end_time is missing and in_progress is not true`;
  const end = inProgress ? (ctx.ancestorEnd ?? start) : secondsToNanos(seg.end_time as number);

  const attrs = new AttributeList();
  const events: OtlpEvent[] = [];
  const namespace = typeof seg.namespace === 'string' ? seg.namespace : undefined;
  const kind = ctx.topLevel && !ctx.independent ? SpanKind.SERVER : namespace === 'aws' || namespace === 'remote' ? SpanKind.CLIENT : SpanKind.INTERNAL;
  for (const flag of ['error', 'fault', 'throttle'] as const) if (seg[flag] === true) attrs.put(XRAY_ATTR[flag], true);
  attrs.putString(XRAY_ATTR.origin, seg.origin);
  attrs.putString(XRAY_ATTR.namespace, namespace);
  if (namespace === 'aws') {
    attrs.putString('aws.service', seg.name); // awsxrayreceiver's attribute; AWS's exporter reads it back
    attrs.putString('rpc.service', seg.name);
  }
  if (ctx.independent && ctx.topLevel) attrs.put(XRAY_ATTR.independentSubsegment, true);
  if (inProgress) attrs.put(XRAY_ATTR.inProgress, true);
  if (typeof seg.traced === 'boolean') attrs.put(XRAY_ATTR.traced, seg.traced);
  attrs.putString('enduser.id', seg.user);
  addHttp(seg.http, attrs);
  addAws(seg.aws, namespace === 'aws', attrs);
  addSql(seg.sql, attrs);
  const causeMessage = addCause(seg.cause, end, attrs, events);
  addAnnotations(seg.annotations, attrs);
  addMetadata(seg.metadata, attrs);

  const failed = seg.fault === true || seg.error === true || seg.throttle === true || events.length > 0;
  const span: OtlpSpan = {
    traceId: ctx.traceId,
    spanId,
    name: seg.name,
    kind,
    startTimeUnixNano: fromBigInt(start),
    endTimeUnixNano: fromBigInt(end),
    attributes: attrs.list,
    events,
    links: precursorLinks(seg.precursor_ids, ctx.traceId),
    status: failed ? { code: StatusCode.ERROR, ...(causeMessage ? { message: causeMessage } : {}) } : { code: StatusCode.UNSET },
  };
  if (ctx.parentId) span.parentSpanId = ctx.parentId;
  out.push(span);

  const children = Array.isArray(seg.subsegments) ? seg.subsegments : [];
  for (const child of children) {
    if (!isObject(child)) return `${where}: a subsegment is not a JSON object`;
    const err = addSpans(child, { traceId: ctx.traceId, parentId: spanId, topLevel: false, independent: false, ancestorEnd: end, depth: ctx.depth + 1 }, out);
    if (err) return err;
  }
  return undefined;
}

/** `precursor_ids` as links to spans of the same trace, marked `aws.xray.precursor`. */
function precursorLinks(ids: unknown, traceId: Uint8Array): OtlpLink[] {
  if (!Array.isArray(ids)) return [];
  const links: OtlpLink[] = [];
  for (const id of ids) {
    const spanId = xraySpanIdToBytes(id);
    if (spanId) links.push({ traceId, spanId, attributes: [{ key: XRAY_ATTR.precursor, value: { boolValue: true } }] });
  }
  return links;
}
