/**
 * X-Ray fields that xrayd's own exporter (src/otlp/xray-to-otlp.ts) carries in `aws.xray.*`
 * attributes because OpenTelemetry has no convention for them: read back here, so an X-Ray → OTLP →
 * X-Ray round trip (one xrayd exporting to another, or through a Collector) keeps them instead of
 * turning them into metadata. AWS's translator does not know these attributes; spans without them
 * are translated exactly as it does.
 * - `aws.xray.error` / `fault` / `throttle` (booleans): when any is present they are the flags,
 *   replacing those derived from the HTTP status and span status;
 * - `aws.xray.origin`, `aws.xray.namespace` (strings): the fields as they were;
 * - span links marked `aws.xray.precursor` become `precursor_ids` rather than `links`.
 */
import type { OtlpSpan } from '../proto/otlp-trace-codec.js';
import { has, type Attributes } from './attribute-values.js';

const FLAG_KEYS = { error: 'aws.xray.error', fault: 'aws.xray.fault', throttle: 'aws.xray.throttle' } as const;
const ORIGIN = 'aws.xray.origin';
const NAMESPACE = 'aws.xray.namespace';
const PRECURSOR = 'aws.xray.precursor';
const CARRIED = new Set<string>([...Object.values(FLAG_KEYS), ORIGIN, NAMESPACE]);

export interface CarriedFields {
  flags: { error: boolean; fault: boolean; throttle: boolean } | undefined;
  origin: string | undefined;
  namespace: string | undefined;
  /** The attributes without the carried ones (the same map when there were none). */
  rest: Attributes;
}

export function takeCarriedFields(attributes: Attributes): CarriedFields {
  let found = false;
  for (const key of CARRIED) if (attributes.has(key)) found = true;
  if (!found) return { flags: undefined, origin: undefined, namespace: undefined, rest: attributes };
  const bool = (key: string) => {
    const v = attributes.get(key);
    return v !== undefined && has(v, 'boolValue') ? v.boolValue! : undefined;
  };
  const text = (key: string) => {
    const v = attributes.get(key);
    return v !== undefined && has(v, 'stringValue') && v.stringValue !== '' ? v.stringValue! : undefined;
  };
  const error = bool(FLAG_KEYS.error);
  const fault = bool(FLAG_KEYS.fault);
  const throttle = bool(FLAG_KEYS.throttle);
  const anyFlag = error !== undefined || fault !== undefined || throttle !== undefined;
  const rest: Attributes = new Map();
  for (const [key, value] of attributes) if (!CARRIED.has(key)) rest.set(key, value);
  return {
    flags: anyFlag ? { error: error ?? false, fault: fault ?? false, throttle: throttle ?? false } : undefined,
    origin: text(ORIGIN),
    namespace: text(NAMESPACE),
    rest,
  };
}

/** Whether a span link is a precursor link (`aws.xray.precursor = true`). */
export function isPrecursorLink(link: NonNullable<OtlpSpan['links']>[number]): boolean {
  return (link.attributes ?? []).some((kv) => kv.key === PRECURSOR && kv.value !== undefined && has(kv.value, 'boolValue') && kv.value.boolValue === true);
}
