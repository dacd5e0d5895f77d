/**
 * Request bodies for X-Ray's OTLP endpoint (`POST /v1/traces`, `--otlp-upload`) from buffered
 * OTLP documents (one span each, see otlp-intake). Protobuf concatenation of two encoded messages
 * is their merge (repeated fields append), so a body is the spans' bytes laid end to end: nothing is
 * decoded again. Bodies stay under X-Ray's limits: 5 MB and 10,000 spans per request.
 */
import { decodeTraceResponse, toBigInt } from '../otlp/proto/otlp-trace-codec.js';
import { OTLP_DOCUMENT_PREFIX } from '../otlp/otlp-document.js';

export const OTLP_PATH = '/v1/traces';
export const MAX_OTLP_REQUEST_BYTES = 5 * 1024 * 1024;
export const MAX_OTLP_REQUEST_SPANS = 10_000;

export { isOtlpDocument } from '../otlp/otlp-document.js';

/** The documents' spans as request bodies within X-Ray's limits. */
export function otlpBodies(documents: readonly string[]): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  for (const doc of documents) {
    const bytes = Buffer.from(doc.slice(OTLP_DOCUMENT_PREFIX.length), 'base64');
    if (parts.length > 0 && (size + bytes.length > MAX_OTLP_REQUEST_BYTES || parts.length >= MAX_OTLP_REQUEST_SPANS)) {
      bodies.push(Buffer.concat(parts, size));
      [parts, size] = [[], 0];
    }
    parts.push(bytes);
    size += bytes.length;
  }
  if (parts.length) bodies.push(Buffer.concat(parts, size));
  return bodies;
}

/** Spans a 2xx ExportTraceServiceResponse says were rejected, with its message. */
export function otlpRejected(body: Uint8Array | undefined): { rejected: number; message: string } {
  if (!body?.length) return { rejected: 0, message: '' };
  try {
    const partial = decodeTraceResponse(body).partialSuccess;
    return { rejected: Number(toBigInt(partial?.rejectedSpans)), message: partial?.errorMessage ?? '' };
  } catch {
    return { rejected: 0, message: '' };
  }
}
