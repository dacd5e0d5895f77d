/**
 * OTLP/JSON, both ways: the OTLP JSON encoding is the protobuf JSON mapping with OTLP's exceptions
 * (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"): trace and span ids are hex
 * strings, not base64; enums are integers; 64-bit integers are decimal strings (numbers accepted);
 * keys are lowerCamelCase (receivers also accept the original snake_case names).
 * - `otlpRequestToJson`: an OtlpTraceRequest as OTLP/JSON (the exporter), empty fields left out.
 * - `decodeTraceRequestJson`: an OTLP/JSON body into the plain request value the binary codec returns
 *   (the receiver); types, base64 `bytesValue`, int64 strings and enum names are checked by protobufjs's
 *   `fromObject`, ids and enum names here.
 */
import type { Int64, OtlpAnyValue, OtlpKeyValue, OtlpTraceRequest } from './proto/otlp-trace-codec.js';
import { requestFromObject, toBigInt } from './proto/otlp-trace-codec.js';
import { toHex } from './xray-ids.js';
import { walkOtlpJson, type OtlpJsonWalk } from './otlp-json-walk.js';

type Json = Record<string, unknown>;

export function otlpRequestToJson(request: OtlpTraceRequest): Json {
  return {
    resourceSpans: (request.resourceSpans ?? []).map((rs) => ({
      resource: { attributes: attributesJson(rs.resource?.attributes) },
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        scope: compact({ name: ss.scope?.name, version: ss.scope?.version }),
        spans: (ss.spans ?? []).map((s) =>
          compact({
            traceId: s.traceId && toHex(s.traceId),
            spanId: s.spanId && toHex(s.spanId),
            parentSpanId: s.parentSpanId && s.parentSpanId.length ? toHex(s.parentSpanId) : undefined,
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: int64(s.startTimeUnixNano),
            endTimeUnixNano: int64(s.endTimeUnixNano),
            attributes: attributesJson(s.attributes),
            events: s.events?.length
              ? s.events.map((e) => compact({ timeUnixNano: int64(e.timeUnixNano), name: e.name, attributes: attributesJson(e.attributes) }))
              : undefined,
            links: s.links?.length
              ? s.links.map((l) => compact({ traceId: l.traceId && toHex(l.traceId), spanId: l.spanId && toHex(l.spanId), attributes: attributesJson(l.attributes) }))
              : undefined,
            status: s.status ? compact({ code: s.status.code, message: s.status.message }) : undefined,
          }),
        ),
      })),
    })),
  };
}

function int64(v: Int64 | undefined): string | undefined {
  return v === undefined ? undefined : toBigInt(v).toString();
}

function attributesJson(list: OtlpKeyValue[] | undefined): Json[] | undefined {
  return list?.length ? list.map((kv) => ({ key: kv.key, value: anyValueJson(kv.value ?? {}) })) : undefined;
}

function anyValueJson(v: OtlpAnyValue): Json {
  if (v.stringValue !== undefined) return { stringValue: v.stringValue };
  if (v.boolValue !== undefined) return { boolValue: v.boolValue };
  if (v.intValue !== undefined) return { intValue: int64(v.intValue) };
  if (v.doubleValue !== undefined) return { doubleValue: v.doubleValue };
  if (v.bytesValue !== undefined) return { bytesValue: Buffer.from(v.bytesValue).toString('base64') };
  if (v.arrayValue) return { arrayValue: { values: (v.arrayValue.values ?? []).map(anyValueJson) } };
  if (v.kvlistValue) return { kvlistValue: { values: attributesJson(v.kvlistValue.values) ?? [] } };
  return {};
}

function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
}

// ---- decoding (the OTLP/HTTP receiver) ----

/** Thrown for a body that is not an OTLP/JSON ExportTraceServiceRequest (answered with 400). */
export class OtlpJsonError extends Error {}

const ID_KEYS: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 };
const HEX = /^[0-9a-fA-F]*$/;
/** Enum names protobufjs would otherwise turn silently into 0. */
const ENUM_NAMES: Record<string, RegExp> = {
  kind: /^SPAN_KIND_(UNSPECIFIED|INTERNAL|SERVER|CLIENT|PRODUCER|CONSUMER)$/,
  code: /^STATUS_CODE_(UNSET|OK|ERROR)$/,
};

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
    return requestFromObject(walkOtlpJson(parsed, RECEIVER_WALK) as Record<string, unknown>);
  } catch (err) {
    if (err instanceof OtlpJsonError) throw err;
    throw new OtlpJsonError((err as Error).message);
  }
}

/** Hex ids to bytes (length checked), enum names checked; protobufjs's `fromObject` does the rest. */
const RECEIVER_WALK: OtlpJsonWalk = {
  leaf(value, key) {
    const idLength = ID_KEYS[key];
    if (idLength !== undefined) return hexId(value, key, idLength);
    if (typeof value === 'string' && ENUM_NAMES[key] && !ENUM_NAMES[key].test(value)) throw new OtlpJsonError(`${key}: unknown enum value ${JSON.stringify(value.slice(0, 40))}`);
    return value;
  },
  tooDeep: (message) => new OtlpJsonError(message),
};

function hexId(value: unknown, key: string, bytes: number): Uint8Array {
  if (typeof value !== 'string') throw new OtlpJsonError(`${key}: expected a hex string, got ${JSON.stringify(value)}`);
  // empty means "not set" (a root span's parentSpanId)
  if (value === '') return new Uint8Array(0);
  if (value.length !== bytes * 2 || !HEX.test(value)) {
    throw new OtlpJsonError(`${key}: expected ${bytes * 2} hex digits, got ${JSON.stringify(value.slice(0, 80))}`);
  }
  return Buffer.from(value, 'hex');
}
