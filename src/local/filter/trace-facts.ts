import type { SegmentDocument, TraceView } from '../trace-view.js';
import {
  addAnnotations, ec2Field, exceptionsOf, forEachNested, httpFacts, seconds,
  type AnnotationValue, type Facts,
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

export function computeTraceFacts(trace: TraceView): TraceFacts {
  const docs = Array.isArray(trace.segments) ? trace.segments : [];
  let error = false, fault = false, throttle = false, partial = false, remote = false;
  let earliest = Infinity, latest = -Infinity;
  let rootDoc: SegmentDocument | undefined;
  let parentless = false;
  const names: string[] = [], types: string[] = [], users: string[] = [], messages: string[] = [];
  const azs: string[] = [], instances: string[] = [], arns: string[] = [];
  const annotations = new Map<string, AnnotationValue[]>();
  const segmentParents = new Set<string>();
  const calls: SegmentDocument[] = [];

  const visit = (d: SegmentDocument): void => {
    if (d.error === true) error = true;
    if (d.fault === true) fault = true;
    if (d.throttle === true) throttle = true;
    if (d.in_progress === true) partial = true;
    if (d.annotations !== undefined) addAnnotations(annotations, d);
    if (d.cause !== undefined) {
      for (const e of exceptionsOf(d)) {
        if (typeof e.message === 'string') messages.push(e.message);
        if (e.remote === true) remote = true;
      }
    }
    if (d.namespace === 'aws' || d.namespace === 'remote') calls.push(d);
  };

  for (const doc of docs) {
    if (typeof doc !== 'object' || doc === null) continue;
    if (typeof doc.start_time === 'number' && doc.start_time < earliest) earliest = doc.start_time;
    if (typeof doc.end_time === 'number' && doc.end_time > latest) latest = doc.end_time;
    if (doc.type !== 'subsegment') {
      const hasParent = typeof doc.parent_id === 'string';
      if (hasParent) segmentParents.add(doc.parent_id as string);
      // A parentless segment beats one with a parent; among equals the earlier start wins.
      if (rootDoc === undefined || (!hasParent && !parentless) || (hasParent !== parentless && doc.start_time < rootDoc.start_time)) {
        rootDoc = doc;
        parentless = !hasParent;
      }
      if (typeof doc.name === 'string') names.push(doc.name);
      if (typeof doc.origin === 'string') types.push(doc.origin);
      if (typeof doc.user === 'string') users.push(doc.user);
      const az = ec2Field(doc, 'availability_zone');
      if (az !== undefined) azs.push(az);
      const instance = ec2Field(doc, 'instance_id');
      if (instance !== undefined) instances.push(instance);
      if (typeof doc.resource_arn === 'string') arns.push(doc.resource_arn);
    }
    forEachNested(doc, visit);
  }

  let inferred = false;
  for (const call of calls) {
    if (segmentParents.has(call.id)) continue;
    inferred = true;
    const node = inferredNodeOf(call);
    names.push(node.name);
    types.push(node.type);
  }

  const num: Facts['num'] = {};
  const str: Facts['str'] = {};
  if (rootDoc && typeof rootDoc.end_time === 'number' && typeof rootDoc.start_time === 'number') {
    num.responsetime = seconds(rootDoc.end_time - rootDoc.start_time);
  }
  if (latest > -Infinity && earliest < Infinity) num.duration = seconds(latest - earliest);
  httpFacts(rootDoc, num, str);
  if (names.length > 0) str.name = names;
  if (types.length > 0) str.type = types;
  if (users.length > 0) str.user = users;
  if (messages.length > 0) str.message = messages;
  if (azs.length > 0) str.availabilityzone = azs;
  if (instances.length > 0) str['instance.id'] = instances;
  if (arns.length > 0) str['resource.arn'] = arns;
  const facts: Facts = {
    bool: {
      ok: !error && !fault && !throttle, error, fault, throttle, partial, inferred, remote,
      root: parentless, first: false, last: false,
    },
    num,
    str,
    annotations,
  };
  return { facts, rootDoc };
}
