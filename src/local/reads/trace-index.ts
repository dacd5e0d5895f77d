/**
 * The structure of one trace: which document each entity lives in, which service owns each
 * document, which segments are called from which entity, and where the trace enters.
 */
import type { SegmentDocument, TraceView } from '../trace-view.js';
import { forEachEntity, isSubsegmentDoc, startOf } from './segment-tree.js';
import { segmentService, type ServiceRef } from './inferred-service.js';

export interface EntityLocation {
  entity: SegmentDocument;
  doc: SegmentDocument;
  /** The enclosing entity inside `doc` (undefined for the document itself). */
  parent: SegmentDocument | undefined;
}

export interface TraceIndex {
  trace: TraceView;
  /** Top-level segments (not independent subsegments), in arrival order. */
  segments: SegmentDocument[];
  /** Segments fed by a client: no parent_id, or a parent that is not in the trace. */
  entrySegments: SegmentDocument[];
  /** The trace's root: the earliest entry segment without parent_id (else the earliest entry). */
  root?: SegmentDocument;
  locate(id: string): EntityLocation | undefined;
  /** The entity enclosing this one inside its document (by identity, so duplicate ids cannot loop). */
  parentOf(entity: SegmentDocument): SegmentDocument | undefined;
  /** Documents whose parent_id is this entity id: downstream segments and independent subsegments. */
  childDocs(id: string): SegmentDocument[];
  /** The segment whose service a document belongs to (itself for a segment); undefined for orphans. */
  ownerOf(doc: SegmentDocument): SegmentDocument | undefined;
  serviceOf(doc: SegmentDocument): ServiceRef | undefined;
}

export function indexTrace(trace: TraceView): TraceIndex {
  const byId = new Map<string, EntityLocation>();
  const parents = new Map<SegmentDocument, SegmentDocument>();
  const children = new Map<string, SegmentDocument[]>();
  const segments: SegmentDocument[] = [];
  for (const doc of trace.segments) {
    if (!isSubsegmentDoc(doc)) segments.push(doc);
    forEachEntity(doc, (entity, parent) => {
      if (parent) parents.set(entity, parent);
      if (typeof entity.id === 'string' && !byId.has(entity.id)) byId.set(entity.id, { entity, doc, parent });
    });
    if (typeof doc.parent_id === 'string') {
      const list = children.get(doc.parent_id);
      if (list) list.push(doc);
      else children.set(doc.parent_id, [doc]);
    }
  }

  const owners = new Map<SegmentDocument, SegmentDocument | undefined>();
  const ownerOf = (doc: SegmentDocument): SegmentDocument | undefined => {
    if (!isSubsegmentDoc(doc)) return doc;
    if (owners.has(doc)) return owners.get(doc);
    // Independent subsegments may hang off other independent subsegments; follow the chain,
    // guarding against cycles in hostile input.
    let current: SegmentDocument | undefined = doc;
    const seen = new Set<SegmentDocument>();
    while (current && isSubsegmentDoc(current) && !seen.has(current)) {
      seen.add(current);
      const parent: string | undefined = typeof current.parent_id === 'string' ? current.parent_id : undefined;
      const loc: EntityLocation | undefined = parent === undefined ? undefined : byId.get(parent);
      current = loc?.doc;
    }
    const owner = current && !isSubsegmentDoc(current) ? current : undefined;
    owners.set(doc, owner);
    return owner;
  };

  const services = new Map<SegmentDocument, ServiceRef>();
  const serviceOf = (doc: SegmentDocument): ServiceRef | undefined => {
    const owner = ownerOf(doc);
    if (!owner) return undefined;
    let ref = services.get(owner);
    if (!ref) services.set(owner, (ref = segmentService(owner)));
    return ref;
  };

  const entrySegments = segments.filter((s) => {
    if (typeof s.parent_id !== 'string') return true;
    const parent = byId.get(s.parent_id);
    return parent === undefined || parent.doc === s;
  });
  const earliest = (list: SegmentDocument[]): SegmentDocument | undefined =>
    list.reduce<SegmentDocument | undefined>((best, s) => {
      if (best === undefined) return s;
      return (startOf(s) ?? Infinity) < (startOf(best) ?? Infinity) ? s : best;
    }, undefined);
  const root = earliest(entrySegments.filter((s) => typeof s.parent_id !== 'string')) ?? earliest(entrySegments);

  return {
    trace,
    segments,
    entrySegments,
    root,
    locate: (id) => byId.get(id),
    parentOf: (entity) => parents.get(entity),
    childDocs: (id) => children.get(id) ?? [],
    ownerOf,
    serviceOf,
  };
}
