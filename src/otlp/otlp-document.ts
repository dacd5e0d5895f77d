import type { SegmentDocument } from '../pipeline/segment-sink.js';

/**
 * Marks a buffered document holding a base64 OTLP ExportTraceServiceRequest (the OTLP intake's
 * upload mode). Kept apart from the codec so the relay recognises these documents without loading it.
 */
export const OTLP_DOCUMENT_PREFIX = 'xrayd-otlp:';
const PREFIX_BYTES = Buffer.from(OTLP_DOCUMENT_PREFIX);

/** True for a buffered OTLP document (a string from the OTLP intake, or the same bytes). */
export function isOtlpDocument(doc: SegmentDocument): boolean {
  if (typeof doc === 'string') return doc.startsWith(OTLP_DOCUMENT_PREFIX);
  return doc.length >= PREFIX_BYTES.length && doc.compare(PREFIX_BYTES, 0, PREFIX_BYTES.length, 0, PREFIX_BYTES.length) === 0;
}
