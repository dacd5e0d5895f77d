/**
 * Building OTLP attribute lists from plain JSON values. `AttributeList` keeps the first value set
 * for a key (OTLP forbids duplicate keys in one list) and skips undefined, so callers can `put`
 * optional fields without checks.
 */
import type { OtlpAnyValue, OtlpKeyValue } from './proto/otlp-trace-codec.js';

/** Depth past which nested JSON is rendered as a string rather than kvlists (bounded recursion). */
const MAX_DEPTH = 8;

/** A JSON value as an OTLP AnyValue: integers (safe range) as intValue, other numbers as doubles. */
export function toAnyValue(value: unknown, depth = 0): OtlpAnyValue | undefined {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      if (!Number.isFinite(value)) return undefined;
      return Number.isSafeInteger(value) ? { intValue: value } : { doubleValue: value };
    case 'object': {
      if (value === null) return undefined;
      if (depth >= MAX_DEPTH) return { stringValue: JSON.stringify(value) };
      if (Array.isArray(value)) {
        return { arrayValue: { values: value.map((v) => toAnyValue(v, depth + 1) ?? {}) } };
      }
      const values: OtlpKeyValue[] = [];
      for (const [k, v] of Object.entries(value)) {
        const av = toAnyValue(v, depth + 1);
        if (av) values.push({ key: k, value: av });
      }
      return { kvlistValue: { values } };
    }
    default:
      return undefined;
  }
}

/** A scalar (string, finite number, boolean) as an AnyValue; anything else is undefined. */
export function scalarValue(value: unknown): OtlpAnyValue | undefined {
  return typeof value === 'object' ? undefined : toAnyValue(value);
}

export class AttributeList {
  readonly list: OtlpKeyValue[] = [];
  private readonly keys = new Set<string>();

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds `key` with an AnyValue; ignored when undefined or when the key is already set. */
  putValue(key: string, value: OtlpAnyValue | undefined): void {
    if (value === undefined || this.keys.has(key)) return;
    this.keys.add(key);
    this.list.push({ key, value });
  }

  /** Adds a scalar (string, finite number, boolean); other types are ignored. */
  put(key: string, value: unknown): void {
    this.putValue(key, scalarValue(value));
  }

  /** Adds a non-empty string. */
  putString(key: string, value: unknown): void {
    if (typeof value === 'string' && value !== '') this.putValue(key, { stringValue: value });
  }

  /** Adds a list of strings as an array value (non-strings are skipped). */
  putStrings(key: string, values: unknown): void {
    if (!Array.isArray(values)) return;
    const strings = values.filter((v): v is string => typeof v === 'string');
    if (strings.length) this.putValue(key, { arrayValue: { values: strings.map((s) => ({ stringValue: s })) } });
  }

  /** Adds any JSON value as its JSON text (how nested X-Ray blocks survive as one attribute). */
  putJson(key: string, value: unknown): void {
    if (value !== undefined) this.putValue(key, { stringValue: JSON.stringify(value) });
  }
}

/** Reads a field of an object-like value, or undefined. */
export function field(obj: unknown, key: string): unknown {
  return obj !== null && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
