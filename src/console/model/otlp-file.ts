import { translateRequest } from '../../otlp/otlp-to-xray.js';
import type { OtlpTraceRequest } from '../../otlp/proto/otlp-trace-codec.js';
import { walkOtlpJson, type OtlpJsonWalk } from '../../otlp/otlp-json-walk.js';
import type { Trace } from './xray-types.js';

/**
 * An OTLP JSON file (`{"resourceSpans": [...]}`, as the OTLP file exporter and the Collector write
 * it) as X-Ray traces, with the daemon's own OTLP → X-Ray translation (src/otlp/otlp-to-xray.ts).
 * The JSON is mapped to the decoded-protobuf shape here, without protobufjs (its generated code needs
 * eval, which the console's CSP forbids): keys to lowerCamelCase, hex ids to bytes, enum names to
 * numbers. Spans the translation refuses (invalid ids) are counted.
 */
export function otlpFileToTraces(parsed: Record<string, unknown>): { traces: Trace[]; rejectedSpans: number } {
  let n = 0;
  const translation = translateRequest(walkOtlpJson(parsed, FILE_WALK) as OtlpTraceRequest, { indexedAttributes: [], indexAllAttributes: false, newId: () => (++n).toString(16).padStart(16, '0') });
  const byTrace = new Map<string, Trace>();
  for (const doc of translation.documents) {
    const trace = byTrace.get(doc.trace_id) ?? { Id: doc.trace_id, Segments: [] };
    trace.Segments!.push({ Id: doc.id, Document: JSON.stringify(doc) });
    byTrace.set(doc.trace_id, trace);
  }
  const rejectedSpans = Object.values(translation.rejected).reduce((a, b) => a + (b ?? 0), 0);
  return { traces: [...byTrace.values()], rejectedSpans };
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
const ENUMS: Record<string, Record<string, number>> = {
  kind: { SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5 },
  code: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 },
};

/** Hex ids to bytes (the translation counts wrong lengths as rejected spans), enum names to numbers. */
const FILE_WALK: OtlpJsonWalk = {
  leaf(value, key) {
    if (ID_KEYS.has(key)) return hexBytes(value, key);
    if (typeof value === 'string' && ENUMS[key] !== undefined) {
      const number = ENUMS[key][value];
      if (number === undefined) throw new Error(`${key}: unknown value ${JSON.stringify(value.slice(0, 40))}`);
      return number;
    }
    return value;
  },
  tooDeep: (message) => new Error(message),
};

function hexBytes(value: unknown, key: string): Uint8Array {
  if (typeof value !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(value)) throw new Error(`${key}: expected hex digits, got ${JSON.stringify(value)}`);
  const bytes = new Uint8Array(value.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
