import type { Trace } from './xray-types.js';
import { otlpFileToTraces } from './otlp-file.js';

/** What an opened file held: traces to view (and how many traces or spans were skipped), or why there are none. */
export type TraceFile = { kind: 'traces'; traces: Trace[]; skipped: number } | { kind: 'invalid'; message: string };

export { MAX_TRACE_FILE_BYTES } from './trace-file-limits.js';

/**
 * Reads the output of `aws xray batch-get-traces` (`{"Traces": [...]}`, or a bare array of such
 * traces), or OTLP JSON (`{"resourceSpans": [...]}`), translated as the daemon translates OTLP
 * intake (see otlp-file.ts). Traces without an id or segment list are skipped and
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
  if (record !== undefined && (Array.isArray(record.resourceSpans) || Array.isArray(record.resource_spans))) {
    let otlp: ReturnType<typeof otlpFileToTraces>;
    try {
      otlp = otlpFileToTraces(record);
    } catch (err) {
      return { kind: 'invalid', message: `This OTLP JSON file cannot be read: ${(err as Error).message}` };
    }
    if (otlp.traces.length === 0) return { kind: 'invalid', message: `The OTLP file holds no span with valid ids (${otlp.rejectedSpans} refused).` };
    return { kind: 'traces', traces: otlp.traces, skipped: otlp.rejectedSpans };
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
