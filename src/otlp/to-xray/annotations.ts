/**
 * Annotations, metadata and `user` from the attributes left after the http/aws/sql/cause blocks took
 * theirs, as `makeXRayAttributes` in the Collector's `internal/translator/segment.go` does:
 * - `enduser.id` -> `user`;
 * - an attribute becomes an annotation (scalars only, key characters outside [A-Za-z0-9.] -> `_`)
 *   when index-all is on, when it is in the configured list, or when the span lists it in
 *   `aws.xray.annotations`; otherwise it is metadata in the `default` namespace;
 * - `aws.xray.metadata.<namespace>` string attributes holding JSON objects become that namespace;
 * - resource attributes (segments only) as `otel.resource.<key>`, indexed by the same rules.
 */
import type { OtlpAnyValue } from '../proto/otlp-trace-codec.js';
import { annotationValue, asString, has, rawValue, type Attributes } from './attribute-values.js';

const ANNOTATIONS_ATTRIBUTE = 'aws.xray.annotations';
const METADATA_PREFIX = 'aws.xray.metadata.';

export interface AttributeOptions {
  indexedAttributes: readonly string[];
  indexAllAttributes: boolean;
}

export interface AttributeBlocks {
  user: string | undefined;
  annotations: Record<string, string | number | boolean> | undefined;
  metadata: Record<string, Record<string, unknown>> | undefined;
}

export function fixAnnotationKey(key: string): string {
  return key.replace(/[^0-9A-Za-z.]/g, '_');
}

export function makeAttributeBlocks(attributes: Attributes, resource: Attributes | undefined, opts: AttributeOptions): AttributeBlocks {
  const user = attributes.has('enduser.id') ? asString(attributes.get('enduser.id')) : undefined;
  const indexed = new Set(opts.indexAllAttributes ? [] : opts.indexedAttributes);
  const listed = attributes.get(ANNOTATIONS_ATTRIBUTE);
  const listedIsArray = listed !== undefined && has(listed, 'arrayValue');
  if (listedIsArray) for (const v of listed.arrayValue!.values ?? []) if (has(v, 'stringValue')) indexed.add(v.stringValue!);
  const annotations: Record<string, string | number | boolean> = {};
  const metadata: Record<string, Record<string, unknown>> = {};
  const defaults: Record<string, unknown> = {};
  const annotate = (key: string, value: OtlpAnyValue): boolean => {
    const a = annotationValue(value);
    if (a === undefined) return false;
    annotations[fixAnnotationKey(key)] = a;
    return true;
  };
  for (const [key, value] of resource ?? []) {
    const name = `otel.resource.${key}`;
    if ((opts.indexAllAttributes || indexed.has(name)) && annotate(name, value)) continue;
    const raw = rawValue(value);
    if (raw !== undefined) defaults[name] = raw;
  }
  for (const [key, value] of attributes) {
    if (key === 'enduser.id' || (key === ANNOTATIONS_ATTRIBUTE && listedIsArray)) continue;
    if (key.startsWith(METADATA_PREFIX) && has(value, 'stringValue') && !indexed.has(key)) {
      // X-Ray metadata carried as JSON text stays metadata even with index-all (the Collector would
      // make it a string annotation): it is how X-Ray → OTLP translators carry metadata namespaces
      addMetadataNamespace(key, value.stringValue!, metadata, defaults);
    } else if (opts.indexAllAttributes) {
      annotate(key, value); // non-scalar values are dropped, as the Collector does with index_all
    } else if (indexed.has(key)) {
      annotate(key, value);
    } else {
      const raw = rawValue(value);
      if (raw !== undefined) defaults[key] = raw;
    }
  }
  if (Object.keys(defaults).length) metadata.default = { ...metadata.default, ...defaults };
  return {
    user: user || undefined,
    annotations: Object.keys(annotations).length ? annotations : undefined,
    metadata: Object.keys(metadata).length ? metadata : undefined,
  };
}

function addMetadataNamespace(key: string, text: string, metadata: Record<string, Record<string, unknown>>, defaults: Record<string, unknown>): void {
  const namespace = key.slice(METADATA_PREFIX.length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    defaults[key] = text; // not a JSON object: kept as it came
  } else if (namespace.toLowerCase() === 'default') {
    Object.assign(defaults, parsed);
  } else {
    metadata[namespace] = parsed as Record<string, unknown>;
  }
}
