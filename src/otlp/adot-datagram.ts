/**
 * ADOT's OTLP UDP exporter format (aws-otel-js-instrumentation, `OTLPUdpSpanExporter`): after the
 * usual `{"format":"json","version":1}` header line, the body is `T1S` (sampled) or `T1U`
 * (unsampled) followed by the base64 of a protobuf ExportTraceServiceRequest. The relay forwards
 * these bodies to X-Ray unparsed; the local backend decodes them here.
 */
import { decodeTraceRequest, type OtlpTraceRequest } from './proto/otlp-trace-codec.js';

export const SAMPLED_PREFIX = 'T1S';
export const UNSAMPLED_PREFIX = 'T1U';

/** Whether a document body is an ADOT span datagram rather than segment JSON. */
export function isAdotBody(text: string): boolean {
  return text.startsWith(SAMPLED_PREFIX) || text.startsWith(UNSAMPLED_PREFIX);
}

/** Decodes an ADOT body; throws on bad base64 or protobuf. */
export function decodeAdotBody(text: string): { sampled: boolean; request: OtlpTraceRequest } {
  const payload = text.slice(SAMPLED_PREFIX.length).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload) || payload.length % 4 !== 0) throw new Error('the payload after T1S/T1U is not base64');
  return { sampled: text.startsWith(SAMPLED_PREFIX), request: decodeTraceRequest(Buffer.from(payload, 'base64')) };
}

/** Counts the spans of a request. */
export function countSpans(request: OtlpTraceRequest): number {
  let n = 0;
  for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  return n;
}

/** What the local store does with one ADOT body: segment documents to store, or why it could not. */
export type AdotExpansion = { ok: true; documents: string[] } | { ok: false; message: string };

/**
 * For the local backend: decodes an ADOT body and translates its spans (`translate`); `T1U` spans
 * are counted as unsampled and give no documents.
 */
export function adotExpander(
  translate: (request: OtlpTraceRequest) => { documents: object[]; spans: number; rejected: Partial<Record<string, number>> },
  stats: { spansReceived: number; unsampledSpans: number; malformedDatagrams: number; spansRejected: Record<string, number> },
): (text: string) => AdotExpansion {
  return (text) => {
    let decoded;
    try {
      decoded = decodeAdotBody(text);
    } catch (err) {
      stats.malformedDatagrams++;
      return { ok: false, message: `ADOT ${text.slice(0, 3)} datagram could not be decoded: ${(err as Error).message}` };
    }
    const spans = countSpans(decoded.request);
    stats.spansReceived += spans;
    if (!decoded.sampled) {
      stats.unsampledSpans += spans;
      return { ok: true, documents: [] };
    }
    const result = translate(decoded.request);
    for (const [reason, n] of Object.entries(result.rejected)) stats.spansRejected[reason] = (stats.spansRejected[reason] ?? 0) + (n ?? 0);
    return { ok: true, documents: result.documents.map((d) => JSON.stringify(d)) };
  };
}
