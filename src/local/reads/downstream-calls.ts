/**
 * The calls between services in one trace, the raw material of the service graph, the summary's
 * service list and the inferred segments of BatchGetTraces.
 *
 * A call goes from the service owning the calling document to either
 *  - a real segment whose parent_id is the calling entity (the callee reported itself), or
 *  - an inferred service, for an `aws`/`remote` subsegment no segment answered.
 * Its `record` is the entity whose timing and flags describe the call: the outermost `aws`/`remote`
 * subsegment around the parent entity, else the parent subsegment itself, else (parent_id pointing at
 * a segment) the callee segment.
 */
import type { SegmentDocument } from '../trace-view.js';
import { forEachEntity, isCallNamespace, isSubsegmentDoc, SKIP_CHILDREN } from './segment-tree.js';
import { inferredService, type ServiceRef } from './inferred-service.js';
import type { EntityLocation, TraceIndex } from './trace-index.js';

export interface Call {
  /** The calling service. */
  from: ServiceRef;
  /** The document holding the record (decides whether the call falls in a time window). */
  callerDoc: SegmentDocument;
  record: SegmentDocument;
  target: { kind: 'segment'; segment: SegmentDocument; service: ServiceRef } | { kind: 'inferred'; service: ServiceRef };
}

/** True when some segment names this entity or one of its nested subsegments as parent. */
function answered(entity: SegmentDocument, index: TraceIndex): boolean {
  let found = false;
  forEachEntity(entity, (e) => {
    if (found) return SKIP_CHILDREN;
    if (typeof e.id === 'string' && index.childDocs(e.id).some((d) => !isSubsegmentDoc(d))) found = true;
    return undefined;
  });
  return found;
}

/** The outermost `aws`/`remote` subsegment enclosing the located entity (strictly above it). */
function outermostCall(loc: EntityLocation, index: TraceIndex): SegmentDocument | undefined {
  let outer: SegmentDocument | undefined;
  for (let e = loc.parent; e !== undefined; e = index.parentOf(e)) {
    if ((e !== loc.doc || isSubsegmentDoc(e)) && isCallNamespace(e)) outer = e;
  }
  return outer;
}

export function findCalls(index: TraceIndex): Call[] {
  const calls: Call[] = [];
  for (const doc of index.trace.segments) {
    const from = index.serviceOf(doc);
    if (!from) continue;
    forEachEntity(doc, (entity) => {
      if (entity === doc && !isSubsegmentDoc(doc)) return undefined;
      if (!isCallNamespace(entity)) return undefined;
      if (!answered(entity, index)) {
        const service = inferredService(entity);
        if (service) calls.push({ from, callerDoc: doc, record: entity, target: { kind: 'inferred', service } });
      }
      // Only the outermost call counts: the SDK's own nested subsegments are not further calls.
      return SKIP_CHILDREN;
    });
  }
  for (const segment of index.segments) {
    if (typeof segment.parent_id !== 'string') continue;
    const loc = index.locate(segment.parent_id);
    if (!loc || loc.doc === segment) continue;
    const from = index.serviceOf(loc.doc);
    const service = index.serviceOf(segment);
    if (!from || !service) continue;
    const outerCall = outermostCall(loc, index);
    const parentIsSegment = loc.entity === loc.doc && !isSubsegmentDoc(loc.doc);
    const record = outerCall ?? (parentIsSegment ? segment : loc.entity);
    calls.push({ from, callerDoc: loc.doc, record, target: { kind: 'segment', segment, service } });
  }
  return calls;
}
