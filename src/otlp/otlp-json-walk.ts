/**
 * The walk both OTLP/JSON readers share: the daemon's receiver (otlp-json.ts) and the console's file
 * reader (src/console/model/otlp-file.ts, bundled for the browser: no Node imports here). Keys become
 * lowerCamelCase (receivers also accept the original snake_case names), nesting is bounded, and each
 * reader maps leaf values (ids, enum names) its own way.
 */
export const OTLP_JSON_MAX_DEPTH = 64;

export interface OtlpJsonWalk {
  /** A non-object value under `key` (its camelCase name), as the reader wants it. */
  leaf(value: unknown, key: string): unknown;
  /** The error for a document nested deeper than OTLP_JSON_MAX_DEPTH. */
  tooDeep(message: string): Error;
}

export function walkOtlpJson(value: unknown, walk: OtlpJsonWalk, key = '', depth = 0): unknown {
  if (depth > OTLP_JSON_MAX_DEPTH) throw walk.tooDeep(`nested deeper than ${OTLP_JSON_MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => walkOtlpJson(v, walk, key, depth + 1));
  if (value === null || typeof value !== 'object') return walk.leaf(value, key);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const camel = k.includes('_') ? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : k;
    out[camel] = walkOtlpJson(v, walk, camel, depth + 1);
  }
  return out;
}
