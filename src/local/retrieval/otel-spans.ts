/**
 * ListRetrievedTraces with `TraceFormat: OTEL`: a stored trace as OTLP JSON spans, through the
 * X-Ray -> OTLP translator (src/otlp/). Each span's Document is the span in OTLP/JSON with its
 * `resource` and `scope` attached, so every document stands on its own; its Id is the span id.
 * Documents the translator cannot translate (in progress, malformed) are left out.
 */
import { otlpRequestToJson } from '../../otlp/otlp-json.js';
import { translateSegments } from '../../otlp/xray-to-otlp.js';
import type { TraceView } from '../trace-view.js';

type Json = Record<string, unknown>;

export function otelSpans(trace: TraceView): { Id: string; Document: string }[] {
  const json = otlpRequestToJson(translateSegments(trace.segments).request);
  const out: { Id: string; Document: string }[] = [];
  for (const rs of json.resourceSpans as Json[]) {
    for (const ss of rs.scopeSpans as Json[]) {
      for (const span of ss.spans as Json[]) {
        out.push({ Id: String(span.spanId), Document: JSON.stringify({ resource: rs.resource, scope: ss.scope, ...span }) });
      }
    }
  }
  return out;
}
