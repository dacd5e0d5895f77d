/**
 * Walking a segment document's nested subsegments, and the timing helpers every read shares.
 * Documents come from the network, so nothing here trusts `subsegments` to be an array of objects.
 */
import type { SegmentDocument } from '../trace-view.js';

/** What a visitor returns to stop the walk from entering an entity's subsegments. */
export const SKIP_CHILDREN = 'skip';

/** `parent` is the enclosing entity inside the same document (undefined for the document itself). */
export type EntityVisitor = (entity: SegmentDocument, parent: SegmentDocument | undefined) => void | typeof SKIP_CHILDREN;

/** The nested subsegments of an entity that look like objects. */
export function childrenOf(entity: SegmentDocument): SegmentDocument[] {
  const subs = entity.subsegments;
  if (!Array.isArray(subs)) return [];
  return subs.filter((s): s is SegmentDocument => typeof s === 'object' && s !== null && !Array.isArray(s));
}

/**
 * Visits `root` and every nested subsegment depth-first, in document order. Iterative and linear
 * in the number of entities, so a pathologically deep document (a 64 KB datagram can nest
 * thousands of levels) neither overflows the stack nor costs depth-squared time.
 */
export function forEachEntity(root: SegmentDocument, visit: EntityVisitor): void {
  const stack: { entity: SegmentDocument; parent: SegmentDocument | undefined }[] = [{ entity: root, parent: undefined }];
  while (stack.length > 0) {
    const { entity, parent } = stack.pop()!;
    if (visit(entity, parent) === SKIP_CHILDREN) continue;
    const kids = childrenOf(entity);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ entity: kids[i], parent: entity });
  }
}

/** True when the document is an independent subsegment rather than a segment. */
export function isSubsegmentDoc(doc: SegmentDocument): boolean {
  return doc.type === 'subsegment';
}

export function startOf(entity: SegmentDocument): number | undefined {
  return Number.isFinite(entity.start_time) ? entity.start_time : undefined;
}

export function endOf(entity: SegmentDocument): number | undefined {
  return typeof entity.end_time === 'number' && Number.isFinite(entity.end_time) ? entity.end_time : undefined;
}

/** Seconds rounded to the millisecond: X-Ray reports durations with ms precision. */
export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Whole milliseconds between start and end, or undefined while the entity is in progress. */
export function durationMs(entity: SegmentDocument): number | undefined {
  const start = startOf(entity);
  const end = endOf(entity);
  if (start === undefined || end === undefined) return undefined;
  return Math.max(0, Math.round((end - start) * 1000));
}

export function isFault(e: SegmentDocument): boolean {
  return e.fault === true;
}

/** 4xx, including throttling (429): both count as errors in X-Ray statistics. */
export function isError(e: SegmentDocument): boolean {
  return e.error === true || e.throttle === true;
}

export function isThrottle(e: SegmentDocument): boolean {
  return e.throttle === true;
}

/** A subsegment describing a call to something outside the service (`namespace` aws or remote). */
export function isCallNamespace(e: SegmentDocument): boolean {
  return e.namespace === 'aws' || e.namespace === 'remote';
}

/** Earliest start and latest end over every document and nested subsegment of a trace. */
export function traceBounds(docs: readonly SegmentDocument[]): { start?: number; end?: number } {
  let start: number | undefined;
  let end: number | undefined;
  for (const doc of docs) {
    forEachEntity(doc, (e) => {
      const s = startOf(e);
      const t = endOf(e);
      if (s !== undefined && (start === undefined || s < start)) start = s;
      if (t !== undefined && (end === undefined || t > end)) end = t;
    });
  }
  return { start, end };
}

/** Trace duration in seconds (latest end - earliest start, ms precision); 0 when nothing has ended. */
export function traceDuration(docs: readonly SegmentDocument[]): number {
  const { start, end } = traceBounds(docs);
  if (start === undefined || end === undefined) return 0;
  return roundMs(Math.max(0, end - start));
}
