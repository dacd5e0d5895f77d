/**
 * OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions) into the same plain request value the
 * binary codec returns. OTLP's rules (opentelemetry-proto docs/specification.md, "JSON Protobuf
 * Encoding"): trace and span ids are hex strings, not base64; enums are integers (names accepted
 * too, as protobuf JSON allows); 64-bit integers may be strings or numbers; keys are lowerCamelCase
 * but receivers must also accept the original snake_case field names. Everything else (types,
 * base64 `bytesValue`, int64 strings, enum names) is checked by protobufjs's `fromObject`.
 */
import { requestFromObject, type OtlpTraceRequest } from './proto/otlp-trace-codec.js';

/** Thrown for a body that is not an OTLP/JSON ExportTraceServiceRequest (answered with 400). */
export class OtlpJsonError extends Error {}

const ID_KEYS: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 };
const HEX = /^[0-9a-fA-F]*$/;
/** Enum names protobufjs would otherwise turn silently into 0. */
const ENUM_NAMES: Record<string, RegExp> = {
  kind: /^SPAN_KIND_(UNSPECIFIED|INTERNAL|SERVER|CLIENT|PRODUCER|CONSUMER)$/,
  code: /^STATUS_CODE_(UNSET|OK|ERROR)$/,
};
const MAX_DEPTH = 64;

/** Parses an OTLP/JSON request body; throws OtlpJsonError naming what is wrong. */
export function decodeTraceRequestJson(text: string): OtlpTraceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OtlpJsonError(`not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OtlpJsonError('expected a JSON object (ExportTraceServiceRequest)');
  try {
    return requestFromObject(normalize(parsed, '', 0) as Record<string, unknown>);
  } catch (err) {
    if (err instanceof OtlpJsonError) throw err;
    throw new OtlpJsonError((err as Error).message);
  }
}

/** snake_case keys to lowerCamelCase, hex ids to bytes; recursive, depth-limited. */
function normalize(value: unknown, key: string, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new OtlpJsonError(`nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => normalize(v, key, depth + 1));
  if (value === null || typeof value !== 'object') {
    const idLength = ID_KEYS[key];
    if (idLength !== undefined) return hexId(value, key, idLength);
    if (typeof value === 'string' && ENUM_NAMES[key] && !ENUM_NAMES[key].test(value)) throw new OtlpJsonError(`${key}: unknown enum value ${JSON.stringify(value.slice(0, 40))}`);
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const camel = k.includes('_') ? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : k;
    out[camel] = normalize(v, camel, depth + 1);
  }
  return out;
}

function hexId(value: unknown, key: string, bytes: number): Uint8Array {
  if (typeof value !== 'string') throw new OtlpJsonError(`${key}: expected a hex string, got ${JSON.stringify(value)}`);
  // empty means "not set" (a root span's parentSpanId)
  if (value === '') return new Uint8Array(0);
  if (value.length !== bytes * 2 || !HEX.test(value)) {
    throw new OtlpJsonError(`${key}: expected ${bytes * 2} hex digits, got ${JSON.stringify(value.slice(0, 80))}`);
  }
  return Buffer.from(value, 'hex');
}
