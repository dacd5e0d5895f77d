import type { SegmentDocument } from '../trace-view.js';
import type { BooleanKeyword, NumberKeyword, StringKeyword } from './ast.js';

export type AnnotationValue = string | number | boolean;

/**
 * What a filter term is evaluated against: the whole trace (top level), one segment of a
 * service (inside `service(...) {}`), or one calling subsegment (inside `edge(...) {}`).
 * One flat object per scope (every key always present) keeps the per-trace cost to a single
 * allocation with a stable shape. A number that does not apply is undefined, and every
 * comparison with it is false except `!=` (always the negation of `=`). A string keyword holds
 * one value or a list; a term holds if any value matches (`!=`: if none equals).
 */
export type Facts = Record<BooleanKeyword, boolean>
  & Record<NumberKeyword, number | undefined>
  & Record<StringKeyword, StringFact>
  /**
   * The documents/subsegments in scope that carry `annotations`, looked up per term rather than
   * merged into a map: most traces have few, and a map per trace would dominate the cache's memory.
   */
  & { annotated: readonly SegmentDocument[] | undefined };

export type StringFact = string | readonly string[] | undefined;

export interface ExceptionLike {
  message?: unknown;
  remote?: unknown;
}

/** Timestamps carry microseconds; rounding keeps `responsetime = 0.25` from failing on float noise. */
export function seconds(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function exceptionsOf(doc: SegmentDocument): ExceptionLike[] {
  const cause = doc.cause;
  if (typeof cause !== 'object' || cause === null) return [];
  const list = (cause as { exceptions?: unknown }).exceptions;
  return Array.isArray(list) ? (list.filter((e) => typeof e === 'object' && e !== null) as ExceptionLike[]) : [];
}

/** Calls `visit` on `doc` and every nested subsegment, depth first, without recursion. */
export function forEachNested(doc: SegmentDocument, visit: (d: SegmentDocument) => void): void {
  const stack: SegmentDocument[] = [doc];
  while (stack.length > 0) {
    const d = stack.pop() as SegmentDocument;
    visit(d);
    const subs = d.subsegments;
    if (Array.isArray(subs)) for (let i = subs.length - 1; i >= 0; i--) if (typeof subs[i] === 'object' && subs[i] !== null) stack.push(subs[i]);
  }
}

/** True when `doc` has a usable annotation `key` for which `test` holds. */
export function annotationMatches(doc: SegmentDocument, key: string, test: ((v: AnnotationValue) => boolean) | undefined): boolean {
  const a = doc.annotations;
  if (typeof a !== 'object' || a === null || !Object.hasOwn(a, key)) return false;
  const v: unknown = a[key];
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  return test === undefined || test(v);
}

export function ec2Field(doc: SegmentDocument, field: 'availability_zone' | 'instance_id'): string | undefined {
  const ec2 = doc.aws?.ec2;
  if (typeof ec2 !== 'object' || ec2 === null) return undefined;
  const v = (ec2 as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : undefined;
}

export interface HttpFacts {
  url?: string;
  method?: string;
  userAgent?: string;
  clientIp?: string;
  status?: number;
}

const NO_HTTP: HttpFacts = {};

/** `http.*` keywords of one document: request fields and the response status. */
export function httpOf(doc: SegmentDocument | undefined): HttpFacts {
  const http = doc?.http;
  if (typeof http !== 'object' || http === null) return NO_HTTP;
  const req = typeof http.request === 'object' && http.request !== null ? http.request : undefined;
  const raw: unknown = http.response?.status;
  const status = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : undefined;
  return {
    url: typeof req?.url === 'string' ? req.url : undefined,
    method: typeof req?.method === 'string' ? req.method : undefined,
    userAgent: typeof req?.user_agent === 'string' ? req.user_agent : undefined,
    clientIp: typeof req?.client_ip === 'string' ? req.client_ip : undefined,
    status: status !== undefined && Number.isFinite(status) ? status : undefined,
  };
}

export interface UnitContext {
  /** The service node's name and type (`origin`, or the inferred type). */
  name: string;
  type?: string;
  inferred: boolean;
  root: boolean;
  /** Position of the node among the trace's nodes ordered by first start time, and their count. */
  index: number;
  count: number;
  /** The trace's responsetime, the denominator of `coverage`. */
  traceResponseTime?: number;
}

/**
 * Facts of one segment (service scope) or one calling subsegment (edge scope): its own
 * error/fault/throttle flags (ok = none of them), in_progress (partial), http fields, user,
 * EC2 and resource fields; responsetime = its end - start; duration = the latest end among it
 * and its nested subsegments - its start; messages, annotations and `remote` include its
 * nested subsegments. name/type/inferred/index/first/last describe the node (service-graph.ts).
 */
export function unitFacts(doc: SegmentDocument, ctx: UnitContext): Facts {
  let annotated: SegmentDocument[] | undefined;
  let messages: string[] | undefined;
  let remote = false;
  let latestEnd = typeof doc.end_time === 'number' ? doc.end_time : -Infinity;
  forEachNested(doc, (d) => {
    if (typeof d.annotations === 'object' && d.annotations !== null) (annotated ??= []).push(d);
    for (const e of exceptionsOf(d)) {
      if (typeof e.message === 'string') (messages ??= []).push(e.message);
      if (e.remote === true) remote = true;
    }
    if (typeof d.end_time === 'number' && d.end_time > latestEnd) latestEnd = d.end_time;
  });
  const started = typeof doc.start_time === 'number';
  const responsetime = started && typeof doc.end_time === 'number' ? seconds(doc.end_time - doc.start_time) : undefined;
  const http = httpOf(doc);
  const error = doc.error === true;
  const fault = doc.fault === true;
  const throttle = doc.throttle === true;
  return {
    ok: !error && !fault && !throttle, error, fault, throttle,
    partial: doc.in_progress === true, inferred: ctx.inferred, remote, root: ctx.root,
    first: ctx.index === 0, last: ctx.index === ctx.count - 1,
    responsetime,
    duration: started && latestEnd > -Infinity ? seconds(latestEnd - doc.start_time) : undefined,
    'http.status': http.status,
    index: ctx.index,
    coverage: responsetime !== undefined && ctx.traceResponseTime ? responsetime / ctx.traceResponseTime : undefined,
    'http.url': http.url,
    'http.method': http.method,
    'http.useragent': http.userAgent,
    'http.clientip': http.clientIp,
    user: typeof doc.user === 'string' ? doc.user : undefined,
    name: ctx.name,
    type: ctx.type,
    message: messages,
    availabilityzone: ec2Field(doc, 'availability_zone'),
    'instance.id': ec2Field(doc, 'instance_id'),
    'resource.arn': typeof doc.resource_arn === 'string' ? doc.resource_arn : undefined,
    annotated,
  };
}
