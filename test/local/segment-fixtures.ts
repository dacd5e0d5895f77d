/** Small builders of valid segment documents for the local backend's tests. */
import type { SegmentDocument } from '../../src/local/trace-view.js';

let counter = 0;

/** A 16-hex id unique within the test run. */
export function newId(): string {
  counter += 1;
  return counter.toString(16).padStart(16, '0');
}

/** A trace id whose time part is `epochSeconds`. */
export function traceId(epochSeconds: number, n: number = counter++): string {
  return `1-${Math.floor(epochSeconds).toString(16).padStart(8, '0')}-${n.toString(16).padStart(24, '0')}`;
}

export function segment(fields: Partial<SegmentDocument> & { trace_id: string }): SegmentDocument {
  const start = fields.start_time ?? 1_700_000_000;
  const doc: SegmentDocument = { name: 'svc', id: newId(), start_time: start, ...fields };
  if (doc.end_time === undefined && doc.in_progress !== true) doc.end_time = start + 0.5;
  return doc;
}

export function input(doc: SegmentDocument): { doc: SegmentDocument; text: string } {
  return { doc, text: JSON.stringify(doc) };
}
