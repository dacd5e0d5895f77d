import type { SegmentDocument } from '../trace-view.js';
import type { BooleanKeyword, NumberKeyword, StringKeyword } from './ast.js';

export type AnnotationValue = string | number | boolean;

/**
 * What a filter term is evaluated against: the whole trace (top level), one segment of a
 * service (inside `service(...) {}`), or one calling subsegment (inside `edge(...) {}`).
 * A number that does not apply is undefined, and every comparison with it is false
 * except `!=` (which is always the negation of `=`).
 */
export interface Facts {
  bool: Record<BooleanKeyword, boolean>;
  num: Partial<Record<NumberKeyword, number>>;
  /** Every value of a string keyword; a term holds if any value matches (`!=`: if none equals). */
  str: Partial<Record<StringKeyword, readonly string[]>>;
  annotations: ReadonlyMap<string, readonly AnnotationValue[]>;
}

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

export function addAnnotations(into: Map<string, AnnotationValue[]>, doc: SegmentDocument): void {
  const a = doc.annotations;
  if (typeof a !== 'object' || a === null) return;
  for (const key of Object.keys(a)) {
    const v: unknown = a[key];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') continue;
    const list = into.get(key);
    if (list) list.push(v);
    else into.set(key, [v]);
  }
}

export function ec2Field(doc: SegmentDocument, field: 'availability_zone' | 'instance_id'): string | undefined {
  const ec2 = doc.aws?.ec2;
  if (typeof ec2 !== 'object' || ec2 === null) return undefined;
  const v = (ec2 as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : undefined;
}

/** `http.*` keywords of one document: request fields and the response status. */
export function httpFacts(doc: SegmentDocument | undefined, num: Facts['num'], str: Facts['str']): void {
  const http = doc?.http;
  if (typeof http !== 'object' || http === null) return;
  const req = http.request;
  if (req) {
    if (typeof req.url === 'string') str['http.url'] = [req.url];
    if (typeof req.method === 'string') str['http.method'] = [req.method];
    if (typeof req.user_agent === 'string') str['http.useragent'] = [req.user_agent];
    if (typeof req.client_ip === 'string') str['http.clientip'] = [req.client_ip];
  }
  const status = Number(http.response?.status);
  if (http.response?.status !== undefined && Number.isFinite(status)) num['http.status'] = status;
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
 * flags, timing and http fields; messages, annotations and `remote` include its nested subsegments.
 */
export function unitFacts(doc: SegmentDocument, ctx: UnitContext): Facts {
  const num: Facts['num'] = { index: ctx.index };
  const str: Facts['str'] = { name: [ctx.name] };
  const annotations = new Map<string, AnnotationValue[]>();
  const messages: string[] = [];
  let remote = false;
  let latestEnd = typeof doc.end_time === 'number' ? doc.end_time : -Infinity;
  forEachNested(doc, (d) => {
    addAnnotations(annotations, d);
    for (const e of exceptionsOf(d)) {
      if (typeof e.message === 'string') messages.push(e.message);
      if (e.remote === true) remote = true;
    }
    if (typeof d.end_time === 'number' && d.end_time > latestEnd) latestEnd = d.end_time;
  });
  if (typeof doc.start_time === 'number') {
    if (typeof doc.end_time === 'number') num.responsetime = seconds(doc.end_time - doc.start_time);
    if (latestEnd > -Infinity) num.duration = seconds(latestEnd - doc.start_time);
  }
  if (num.responsetime !== undefined && ctx.traceResponseTime) num.coverage = num.responsetime / ctx.traceResponseTime;
  httpFacts(doc, num, str);
  if (ctx.type !== undefined) str.type = [ctx.type];
  if (messages.length > 0) str.message = messages;
  if (typeof doc.user === 'string') str.user = [doc.user];
  const az = ec2Field(doc, 'availability_zone');
  if (az !== undefined) str.availabilityzone = [az];
  const instance = ec2Field(doc, 'instance_id');
  if (instance !== undefined) str['instance.id'] = [instance];
  if (typeof doc.resource_arn === 'string') str['resource.arn'] = [doc.resource_arn];
  const error = doc.error === true;
  const fault = doc.fault === true;
  const throttle = doc.throttle === true;
  return {
    bool: {
      ok: !error && !fault && !throttle, error, fault, throttle,
      partial: doc.in_progress === true, inferred: ctx.inferred, remote, root: ctx.root,
      first: ctx.index === 0, last: ctx.index === ctx.count - 1,
    },
    num,
    str,
    annotations,
  };
}
