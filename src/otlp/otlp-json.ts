/**
 * An OtlpTraceRequest in the OTLP/JSON encoding (the protobuf JSON mapping with OTLP's exceptions):
 * trace and span ids as lowercase hex, 64-bit integers as decimal strings, `bytesValue` as base64,
 * enums as numbers, lowerCamelCase field names, empty fields left out.
 */
import type { Int64, OtlpAnyValue, OtlpKeyValue, OtlpTraceRequest } from './proto/otlp-trace-codec.js';
import { toBigInt } from './proto/otlp-trace-codec.js';
import { toHex } from './xray-ids.js';

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
