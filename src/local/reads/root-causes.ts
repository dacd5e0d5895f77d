/**
 * FaultRootCauses / ErrorRootCauses of a trace summary.
 *
 * The trace is walked as one tree across services: an entity's children are its nested
 * subsegments plus the documents (downstream segments, independent subsegments) whose parent_id
 * is the entity. An `aws`/`remote` call subsegment only leads on to the documents that answered it
 * (its SDK-internal subsegments such as `attempt` are not causes of their own).
 * A root cause is a flagged entity (fault; or error/throttle) with no flagged descendant. Its
 * path from the entry segment is split into one RootCauseService per service crossed, each with
 * the EntityPath inside that service; a call no segment answered adds the inferred service it
 * called (`Inferred: true`). ClientImpacting: every entity on the path is flagged, i.e. the
 * failure reached the client. Identical causes are reported once.
 */
import type { SegmentDocument } from '../trace-view.js';
import type { RootCause, RootCauseEntity, RootCauseException, RootCauseService } from './api-types.js';
import { childrenOf, forEachEntity, isCallNamespace, isError, isFault } from './segment-tree.js';
import { inferredService, segmentService } from './inferred-service.js';
import type { TraceIndex } from './trace-index.js';

/** Deeper paths than this are cut short rather than risk the stack on hostile input. */
const MAX_DEPTH = 500;

export type RootCauseKind = 'fault' | 'error';

export function rootCauses(index: TraceIndex, kind: RootCauseKind): RootCause[] {
  const flagged = kind === 'fault' ? isFault : isError;
  const causes = new Map<string, RootCause>();
  const visited = new Set<SegmentDocument>();
  const segments = new Set(index.segments);

  const children = (e: SegmentDocument): SegmentDocument[] => {
    const idChildren = (x: SegmentDocument): SegmentDocument[] => (typeof x.id === 'string' ? index.childDocs(x.id) : []);
    if (!isCallNamespace(e)) return [...childrenOf(e), ...idChildren(e)];
    const answers: SegmentDocument[] = [];
    forEachEntity(e, (x) => void answers.push(...idChildren(x)));
    return answers;
  };

  const visit = (e: SegmentDocument, path: SegmentDocument[]): boolean => {
    if (visited.has(e)) return false;
    visited.add(e);
    const here = [...path, e];
    let below = false;
    if (here.length < MAX_DEPTH) for (const c of children(e)) below = visit(c, here) || below;
    const flag = flagged(e);
    if (flag && !below) {
      const cause = toRootCause(here, segments, flagged);
      causes.set(JSON.stringify(cause), cause);
    }
    return flag || below;
  };

  for (const entry of index.entrySegments) visit(entry, []);
  return [...causes.values()];
}

function toRootCause(
  path: SegmentDocument[],
  segments: ReadonlySet<SegmentDocument>,
  flagged: (e: SegmentDocument) => boolean,
): RootCause {
  const services: RootCauseService[] = [];
  for (const e of path) {
    const startsService = segments.has(e);
    if (startsService || services.length === 0) {
      const { id } = segmentService(e);
      services.push({ ...id, Names: [...id.Names], EntityPath: [], Inferred: false });
    }
    services[services.length - 1].EntityPath.push(entityOf(e));
  }
  const leaf = path[path.length - 1];
  const callee = isCallNamespace(leaf) ? inferredService(leaf) : undefined;
  if (callee) {
    const { id } = callee;
    services.push({ ...id, Names: [...id.Names], EntityPath: [{ Name: id.Name, Exceptions: [], Remote: false }], Inferred: true });
  }
  return { Services: services, ClientImpacting: path.every(flagged) };
}

function entityOf(e: SegmentDocument): RootCauseEntity {
  return { Name: String(e.name), Exceptions: exceptionsOf(e), Remote: isCallNamespace(e) };
}

function exceptionsOf(e: SegmentDocument): RootCauseException[] {
  const cause = e.cause;
  if (typeof cause !== 'object' || cause === null) return [];
  const list = (cause as { exceptions?: unknown }).exceptions;
  if (!Array.isArray(list)) return [];
  const out: RootCauseException[] = [];
  for (const x of list) {
    if (typeof x !== 'object' || x === null) continue;
    const { type, message } = x as { type?: unknown; message?: unknown };
    const ex: RootCauseException = {};
    if (typeof type === 'string') ex.Name = type;
    if (typeof message === 'string') ex.Message = message;
    out.push(ex);
  }
  return out;
}
