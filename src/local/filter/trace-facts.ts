import type { SegmentDocument, TraceView } from '../trace-view.js';
import {
  ec2Field, exceptionsOf, httpOf, seconds, type Facts,
} from './facts.js';
import { inferredNodeOf } from './inferred-node.js';

/**
 * Trace-level facts (what a term outside service()/edge() sees):
 * - root segment: the top-level segment (not `type: "subsegment"`) with no `parent_id`, the
 *   earliest-starting one when several. When every segment has a parent_id (the caller, e.g. API
 *   Gateway, reported elsewhere), the earliest-starting segment stands in for it, but `root` is false.
 * - responsetime: root end_time - start_time (none while the root is in progress).
 * - duration: latest end_time - earliest start_time over all documents (top-level segments and
 *   independent subsegments; nested subsegments lie inside their document).
 * - http.*: the root segment's http.request / http.response.status.
 * - error/fault/throttle: the flag is set on any segment or subsegment, nested or independent;
 *   ok: none of the three is set anywhere.
 * - partial: some document or nested subsegment is in_progress.
 * - inferred: some `aws`/`remote` subsegment calls a service that sent no segment of its own.
 * - remote: some exception anywhere has `remote: true`.
 * - first/last/index/coverage: describe an element's place in a list of services, so they only
 *   mean something inside service()/edge(); at trace level first/last are false and index/coverage unset.
 * - user / availabilityzone / instance.id / resource.arn: any segment's `user`,
 *   `aws.ec2.availability_zone`, `aws.ec2.instance_id`, `resource_arn`.
 * - name / type: every service in the trace: segment names and `origin`s, plus inferred nodes.
 * - message: every `cause.exceptions[].message` anywhere. annotation.KEY: any document or subsegment.
 */
export interface TraceFacts {
  facts: Facts;
  /** The root segment as defined above (undefined when the trace has only subsegments). */
  rootDoc?: SegmentDocument;
}

// Reused across calls (evaluation is synchronous) so the walk allocates nothing per trace.
const stack: SegmentDocument[] = [];

/** Appends to a list created on first use: most traces have no value for most keywords. */
function add<T>(list: T[] | undefined, v: T): T[] {
  if (list === undefined) return [v];
  list.push(v);
  return list;
}

/** A string fact stays a bare string until a second value arrives (the common case is one). */
function addString(fact: string | string[] | undefined, v: string): string | string[] {
  if (fact === undefined) return v;
  if (typeof fact === 'string') return fact === v ? fact : [fact, v];
  if (!fact.includes(v)) fact.push(v);
  return fact;
}

export function computeTraceFacts(trace: TraceView): TraceFacts {
  const docs = Array.isArray(trace.segments) ? trace.segments : [];
  let error = false, fault = false, throttle = false, partial = false, remote = false;
  let earliest = Infinity, latest = -Infinity;
  let rootDoc: SegmentDocument | undefined;
  let parentless = false;
  let names: string | string[] | undefined, types: string | string[] | undefined, users: string | string[] | undefined;
  let messages: string | string[] | undefined, azs: string | string[] | undefined, instances: string | string[] | undefined;
  let arns: string | string[] | undefined, segmentParents: string[] | undefined, calls: SegmentDocument[] | undefined;
  let annotated: SegmentDocument[] | undefined;

  for (const doc of docs) {
    if (typeof doc !== 'object' || doc === null) continue;
    if (typeof doc.start_time === 'number' && doc.start_time < earliest) earliest = doc.start_time;
    if (typeof doc.end_time === 'number' && doc.end_time > latest) latest = doc.end_time;
    if (doc.type !== 'subsegment') {
      const hasParent = typeof doc.parent_id === 'string';
      if (hasParent) segmentParents = add(segmentParents, doc.parent_id as string);
      // A parentless segment beats one with a parent; among equals the earlier start wins.
      if (rootDoc === undefined || (!hasParent && !parentless) || (hasParent !== parentless && doc.start_time < rootDoc.start_time)) {
        rootDoc = doc;
        parentless = !hasParent;
      }
      if (typeof doc.name === 'string') names = addString(names, doc.name);
      if (typeof doc.origin === 'string') types = addString(types, doc.origin);
      if (typeof doc.user === 'string') users = addString(users, doc.user);
      if (doc.aws !== undefined) {
        const az = ec2Field(doc, 'availability_zone');
        if (az !== undefined) azs = addString(azs, az);
        const instance = ec2Field(doc, 'instance_id');
        if (instance !== undefined) instances = addString(instances, instance);
      }
      if (typeof doc.resource_arn === 'string') arns = addString(arns, doc.resource_arn);
    }
    stack.push(doc);
    while (stack.length > 0) {
      const d = stack.pop() as SegmentDocument;
      if (d.error === true) error = true;
      if (d.fault === true) fault = true;
      if (d.throttle === true) throttle = true;
      if (d.in_progress === true) partial = true;
      if (typeof d.annotations === 'object' && d.annotations !== null) annotated = add(annotated, d);
      if (d.cause !== undefined) {
        for (const e of exceptionsOf(d)) {
          if (typeof e.message === 'string') messages = addString(messages, e.message);
          if (e.remote === true) remote = true;
        }
      }
      if (d.namespace === 'aws' || d.namespace === 'remote') calls = add(calls, d);
      const subs = d.subsegments;
      if (Array.isArray(subs)) for (const sub of subs) if (typeof sub === 'object' && sub !== null) stack.push(sub);
    }
  }

  let inferred = false;
  if (calls !== undefined) {
    for (const call of calls) {
      if (segmentParents !== undefined && segmentParents.includes(call.id)) continue;
      inferred = true;
      const node = inferredNodeOf(call);
      names = addString(names, node.name);
      types = addString(types, node.type);
    }
  }

  const http = httpOf(rootDoc);
  const facts: Facts = {
    ok: !error && !fault && !throttle, error, fault, throttle, partial, inferred, remote,
    root: parentless, first: false, last: false,
    responsetime: rootDoc && typeof rootDoc.end_time === 'number' && typeof rootDoc.start_time === 'number'
      ? seconds(rootDoc.end_time - rootDoc.start_time) : undefined,
    duration: latest > -Infinity && earliest < Infinity ? seconds(latest - earliest) : undefined,
    'http.status': http.status,
    index: undefined,
    coverage: undefined,
    'http.url': http.url,
    'http.method': http.method,
    'http.useragent': http.userAgent,
    'http.clientip': http.clientIp,
    user: users,
    name: names,
    type: types,
    message: messages,
    availabilityzone: azs,
    'instance.id': instances,
    'resource.arn': arns,
    annotated,
  };
  return { facts, rootDoc };
}
