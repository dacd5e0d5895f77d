/**
 * OTLP attribute values (AnyValue) as the plain values a segment document holds, with the
 * Collector's pcommon conversions: `Str()`-like text, `Int()`, `AsRaw()` for metadata, and the
 * scalar-only rule for annotations (segment.go `annotationValue`).
 */
import { toBigInt, type OtlpAnyValue, type OtlpKeyValue } from '../proto/otlp-trace-codec.js';

export type Attributes = Map<string, OtlpAnyValue>;

/**
 * Whether a oneof member is set. protobufjs puts field defaults on the prototype (a decoded int
 * value still reads `stringValue === ""`), so only own, non-null properties count.
 */
export function has<T extends object>(v: T, key: keyof T): boolean {
  return Object.hasOwn(v, key) && v[key] !== null && v[key] !== undefined;
}

/** Key/value list to a map; a repeated key keeps its last value (as pcommon does on insert). */
export function attributeMap(list: readonly OtlpKeyValue[] | undefined): Attributes {
  const map: Attributes = new Map();
  for (const kv of list ?? []) if (typeof kv.key === 'string') map.set(kv.key, kv.value ?? {});
  return map;
}

/** An int64 as a JS number (exact up to 2^53; beyond that, the nearest double). */
function int64(value: OtlpAnyValue['intValue']): number {
  return Number(toBigInt(value));
}

/** The value as text: strings as they are, scalars printed (pcommon `AsString`). */
export function asString(v: OtlpAnyValue | undefined): string {
  if (!v) return '';
  if (has(v, 'stringValue')) return v.stringValue!;
  if (has(v, 'intValue')) return String(toBigInt(v.intValue!));
  if (has(v, 'doubleValue')) return String(v.doubleValue!);
  if (has(v, 'boolValue')) return String(v.boolValue!);
  const raw = rawValue(v);
  return raw === undefined ? '' : JSON.stringify(raw);
}

/** The value as a whole number, from an int, a double or a numeric string; undefined otherwise. */
export function asInt(v: OtlpAnyValue | undefined): number | undefined {
  if (!v) return undefined;
  if (has(v, 'intValue')) return int64(v.intValue!);
  if (has(v, 'doubleValue')) return Math.trunc(v.doubleValue!);
  if (has(v, 'stringValue') && /^-?\d+$/.test(v.stringValue!)) return Number(v.stringValue!);
  return undefined;
}

/** Scalars only (string, int, double, bool), as X-Ray annotations allow; undefined for the rest. */
export function annotationValue(v: OtlpAnyValue): string | number | boolean | undefined {
  if (has(v, 'stringValue')) return v.stringValue!;
  if (has(v, 'intValue')) return int64(v.intValue!);
  if (has(v, 'doubleValue')) return Number.isFinite(v.doubleValue!) ? v.doubleValue! : String(v.doubleValue!);
  if (has(v, 'boolValue')) return v.boolValue!;
  return undefined;
}

/** Any value as plain JSON (pcommon `AsRaw`): arrays, maps, bytes as base64; undefined when empty. */
export function rawValue(v: OtlpAnyValue, depth = 0): unknown {
  const scalar = annotationValue(v);
  if (scalar !== undefined) return scalar;
  if (depth > 32) return undefined;
  if (has(v, 'arrayValue')) return (v.arrayValue!.values ?? []).map((x) => rawValue(x, depth + 1) ?? null);
  if (has(v, 'kvlistValue')) {
    const out: Record<string, unknown> = {};
    for (const kv of v.kvlistValue!.values ?? []) out[kv.key] = kv.value ? (rawValue(kv.value, depth + 1) ?? null) : null;
    return out;
  }
  if (has(v, 'bytesValue')) return Buffer.from(v.bytesValue!).toString('base64');
  return undefined;
}

/** The strings of an array value (a single string counts as a one-element list), for list-valued attributes. */
export function asStringList(v: OtlpAnyValue | undefined): string[] {
  if (!v) return [];
  if (has(v, 'arrayValue')) return (v.arrayValue!.values ?? []).filter((x) => has(x, 'stringValue')).map((x) => x.stringValue!);
  return has(v, 'stringValue') ? [v.stringValue!] : [];
}
