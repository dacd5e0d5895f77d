/**
 * BatchGetTraces' Trace: the stored documents as JSON text, plus the segments X-Ray infers for
 * `aws`/`remote` calls whose callee did not report a segment of its own.
 *
 * An inferred segment carries `inferred: true`, the callee's name and type (`origin`), the call's
 * timing, flags, `http` and `aws`, `parent_id` = the calling subsegment, and an id derived from
 * the trace id and the calling subsegment's id (sha256, first 16 hex digits) so it is stable
 * across calls. It is listed right after the document that made the call.
 */
import { createHash } from 'node:crypto';
import type { SegmentDocument, TraceView } from '../trace-view.js';
import type { ApiSegment, ApiTrace } from './api-types.js';
import { indexTrace } from './trace-index.js';
import { findCalls, type Call } from './downstream-calls.js';
import { endOf, traceDuration } from './segment-tree.js';
import { stringifyDeep } from './stringify-deep.js';

export function inferredSegmentId(traceId: string, callId: string): string {
  return createHash('sha256').update(`inferred:${traceId}:${callId}`).digest('hex').slice(0, 16);
}

function inferredSegment(trace: TraceView, call: Call): Record<string, unknown> {
  const { record } = call;
  const { Name, Type } = call.target.service.id;
  const end = endOf(record);
  const doc: Record<string, unknown> = {
    id: inferredSegmentId(trace.id, String(record.id)),
    name: Name,
    start_time: record.start_time,
    ...(end !== undefined ? { end_time: end } : { in_progress: true }),
    parent_id: record.id,
    inferred: true,
    origin: Type,
    trace_id: trace.id,
  };
  for (const key of ['http', 'aws', 'error', 'fault', 'throttle'] as const) {
    if (record[key] !== undefined) doc[key] = record[key];
  }
  return doc;
}

export function toApiTrace(trace: TraceView): ApiTrace {
  const index = indexTrace(trace);
  const inferredBy = new Map<SegmentDocument, Call[]>();
  for (const call of findCalls(index)) {
    if (call.target.kind !== 'inferred') continue;
    const list = inferredBy.get(call.callerDoc);
    if (list) list.push(call);
    else inferredBy.set(call.callerDoc, [call]);
  }
  const segments: ApiSegment[] = [];
  for (const doc of trace.segments) {
    segments.push({ Id: String(doc.id), Document: stringifyDeep(doc) });
    for (const call of inferredBy.get(doc) ?? []) {
      const inferred = inferredSegment(trace, call);
      segments.push({ Id: String(inferred.id), Document: stringifyDeep(inferred) });
    }
  }
  return { Id: trace.id, Duration: traceDuration(trace.segments), LimitExceeded: false, Segments: segments };
}
