/**
 * Checks the fields X-Ray requires of a segment document (XRAY-FACTS §2), so the store only holds
 * documents every reader can rely on. Extra fields are kept as they are.
 */
import type { SegmentDocument } from '../trace-view.js';

const HEX16 = /^[0-9a-fA-F]{16}$/;
const TRACE_ID = /^1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}$/;
export const MAX_NAME_LENGTH = 200;

export type SegmentCheck =
  | { ok: true; doc: SegmentDocument }
  | { ok: false; id?: string; errorCode: SegmentErrorCode; message: string };

/** Stable codes, returned as `ErrorCode` in `UnprocessedTraceSegments`. */
export type SegmentErrorCode = 'InvalidJson' | 'InvalidSegment';

function invalid(id: string | undefined, message: string): SegmentCheck {
  return { ok: false, id, errorCode: 'InvalidSegment', message };
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Validates an already-parsed value. */
export function validateSegment(value: unknown): SegmentCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid(undefined, 'segment document must be a JSON object');
  }
  const v = value as Record<string, unknown>;
  const id = typeof v.id === 'string' ? v.id : undefined;
  if (id === undefined || !HEX16.test(id)) return invalid(id, 'id must be 16 hexadecimal digits');
  if (Object.prototype.hasOwnProperty.call(v, '$xrayd')) return invalid(id, 'the "$xrayd" field is reserved');
  if (typeof v.name !== 'string' || v.name.length === 0) return invalid(id, 'name is required (a non-empty string)');
  if (v.name.length > MAX_NAME_LENGTH) return invalid(id, `name is longer than ${MAX_NAME_LENGTH} characters`);
  if (typeof v.trace_id !== 'string' || !TRACE_ID.test(v.trace_id)) {
    return invalid(id, 'trace_id must match 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx (hex)');
  }
  if (!isFiniteNumber(v.start_time)) return invalid(id, 'start_time must be a number (epoch seconds)');
  const hasEnd = v.end_time !== undefined;
  const inProgress = v.in_progress === true;
  if (hasEnd && !isFiniteNumber(v.end_time)) return invalid(id, 'end_time must be a number (epoch seconds)');
  if (hasEnd === inProgress) return invalid(id, 'exactly one of end_time or in_progress: true is required');
  if (v.type !== undefined && v.type !== 'subsegment') return invalid(id, 'type must be "subsegment" when present');
  if (v.type === 'subsegment' && (typeof v.parent_id !== 'string' || !HEX16.test(v.parent_id))) {
    return invalid(id, 'an independent subsegment needs parent_id (16 hexadecimal digits)');
  }
  if (v.parent_id !== undefined && (typeof v.parent_id !== 'string' || !HEX16.test(v.parent_id))) {
    return invalid(id, 'parent_id must be 16 hexadecimal digits');
  }
  if (v.subsegments !== undefined && !Array.isArray(v.subsegments)) return invalid(id, 'subsegments must be an array');
  return { ok: true, doc: value as SegmentDocument };
}

/** Parses one document text and validates it: the only place a stored document is parsed. */
export function parseSegment(text: string): SegmentCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errorCode: 'InvalidJson', message: `not valid JSON: ${(err as Error).message}` };
  }
  return validateSegment(value);
}

/** The epoch seconds encoded in a trace id (`1-<8 hex>-...`). */
export function traceIdEpoch(traceId: string): number {
  return parseInt(traceId.slice(2, 10), 16);
}
