import type { Trace } from './xray-types.js';

/** What an opened file held: traces to view, or why there are none. */
export type TraceFile = { kind: 'traces'; traces: Trace[]; skipped: number } | { kind: 'unsupported' | 'invalid'; message: string };

/** Files larger than this are refused before reading: the browser would hold them twice (text and parsed). */
export const MAX_TRACE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads the output of `aws xray batch-get-traces` (`{"Traces": [...]}`, or a bare array of such
 * traces). OTLP JSON (`{"resourceSpans": [...]}`) is recognised and named, but this build has no
 * OTLP to X-Ray translation in the browser. Traces without an id or segment list are skipped and
 * counted; segment documents stay strings, read later as the waterfall reads the API's.
 */
export function readTraceFile(text: string): TraceFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', message: `The file is not JSON: ${(err as Error).message}` };
  }
  const record = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  if (record !== undefined && Array.isArray(record.resourceSpans)) {
    return {
      kind: 'unsupported',
      message: 'This is an OTLP JSON file (resourceSpans). Opening OTLP files needs the OTLP → X-Ray translation, which this build does not have yet; send the spans to the daemon\'s OTLP endpoint instead, or open the output of `aws xray batch-get-traces`.',
    };
  }
  const list = Array.isArray(parsed) ? parsed : record !== undefined && Array.isArray(record.Traces) ? record.Traces : undefined;
  if (list === undefined) {
    return { kind: 'invalid', message: 'Expected the output of `aws xray batch-get-traces` ({"Traces": [...]}) or an OTLP JSON file ({"resourceSpans": [...]}).' };
  }
  const traces: Trace[] = [];
  let skipped = 0;
  for (const item of list) {
    const trace = readTrace(item);
    if (trace === undefined) skipped++;
    else traces.push(trace);
  }
  if (traces.length === 0) return { kind: 'invalid', message: `The file lists ${list.length} trace(s), none with an Id and Segments to show.` };
  return { kind: 'traces', traces, skipped };
}

function readTrace(item: unknown): Trace | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const t = item as Record<string, unknown>;
  if (typeof t.Id !== 'string' || !Array.isArray(t.Segments)) return undefined;
  const segments: { Id: string; Document: string }[] = [];
  t.Segments.forEach((s: unknown, i) => {
    const doc = typeof s === 'object' && s !== null ? (s as { Id?: unknown; Document?: unknown }) : {};
    if (typeof doc.Document === 'string') segments.push({ Id: typeof doc.Id === 'string' ? doc.Id : `segment-${i}`, Document: doc.Document });
  });
  if (segments.length === 0) return undefined;
  return { Id: t.Id, Duration: typeof t.Duration === 'number' ? t.Duration : undefined, Segments: segments };
}
