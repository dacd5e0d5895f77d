/**
 * One export request body from a batch of buffered documents. Two kinds share the export buffer:
 * - X-Ray segment documents (JSON text), translated by src/otlp/xray-to-otlp.ts;
 * - OTLP documents, spans that arrived as OTLP and are exported as they came, never translated
 *   twice: `OTLP_DOCUMENT_PREFIX` + base64 of an ExportTraceServiceRequest (the OTLP intake), or an
 *   ADOT UDP body, `T1S` + the same base64 (sampled spans of ADOT's OTLP UDP exporter).
 * Protobuf appends repeated fields on concatenation, so the body is the translated request's bytes
 * followed by each OTLP document's bytes: one valid request holding every resource.
 */
import type { UnprocessedSegment } from '../pipeline/segment-sink.js';
import { translateSegments } from '../otlp/xray-to-otlp.js';
import { decodeTraceRequest, encodeTraceRequest, type OtlpTraceRequest } from '../otlp/proto/otlp-trace-codec.js';

/** Marks a buffered document holding a base64 OTLP ExportTraceServiceRequest (the OTLP intake's form). */
export const OTLP_DOCUMENT_PREFIX = 'xrayd-otlp:';
/** ADOT's OTLP UDP exporter: sampled (`T1S`) and unsampled (`T1U`, never exported) span bodies. */
export const ADOT_SAMPLED_PREFIX = 'T1S';
export const ADOT_UNSAMPLED_PREFIX = 'T1U';

/** An OTLP request as a buffered document. */
export function otlpDocument(request: OtlpTraceRequest): string {
  return OTLP_DOCUMENT_PREFIX + Buffer.from(encodeTraceRequest(request)).toString('base64');
}

export interface ExportBatch {
  body: Uint8Array;
  spans: number;
  /** Documents left out, with why (the dispatcher counts them as rejected). */
  unprocessed: UnprocessedSegment[];
}

/** Documents as the buffer holds them: text, or the datagram's bytes (both UTF-8 JSON or an OTLP document). */
export type BufferedDocument = Buffer | string;

export function buildExportBatch(documents: readonly BufferedDocument[]): ExportBatch {
  const segments: unknown[] = [];
  const otlpParts: Uint8Array[] = [];
  const unprocessed: UnprocessedSegment[] = [];
  let spans = 0;
  for (const doc of documents) {
    const text = typeof doc === 'string' ? doc : doc.toString('utf8');
    const prefix = text.startsWith(OTLP_DOCUMENT_PREFIX) ? OTLP_DOCUMENT_PREFIX : text.startsWith(ADOT_SAMPLED_PREFIX) ? ADOT_SAMPLED_PREFIX : undefined;
    if (prefix) {
      const payload = text.slice(prefix.length).trim();
      const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(payload) ? Buffer.from(payload, 'base64') : undefined;
      const n = bytes && countSpans(bytes);
      if (n === undefined) unprocessed.push({ ErrorCode: 'InvalidOtlp', Message: `${prefix} document is not the base64 of an OTLP ExportTraceServiceRequest` });
      else if (n > 0) {
        otlpParts.push(bytes!);
        spans += n;
      }
      continue;
    }
    try {
      segments.push(JSON.parse(text));
    } catch {
      unprocessed.push({ ErrorCode: 'InvalidJson', Message: 'not a JSON document' });
    }
  }
  const t = translateSegments(segments);
  for (const s of t.skipped) {
    const id = (segments[s.index] as { id?: unknown } | null)?.id;
    unprocessed.push({ ...(typeof id === 'string' ? { Id: id } : {}), ErrorCode: s.inProgress ? 'InProgress' : 'Untranslatable', Message: s.reason });
  }
  spans += t.spans;
  const translated = t.spans > 0 ? [encodeTraceRequest(t.request)] : [];
  return { body: Buffer.concat([...translated, ...otlpParts]), spans, unprocessed };
}

/** Spans in an encoded request, or undefined when the bytes do not decode. */
function countSpans(bytes: Uint8Array): number | undefined {
  try {
    const req = decodeTraceRequest(bytes);
    return (req.resourceSpans ?? []).reduce((n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans?.length ?? 0), 0), 0);
  } catch {
    return undefined;
  }
}
