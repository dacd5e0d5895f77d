/**
 * What the read operations need from the summary and graph builders (src/local/reads/). Injected
 * into the API route so each side can be built and tested on its own.
 */
import type { TraceView } from '../trace-view.js';

export interface ApiTraceShape {
  Id?: string;
  Segments?: { Id?: string; Document?: string }[];
  [key: string]: unknown;
}

export interface XrayReads {
  /** One GetTraceSummaries entry. */
  summarizeTrace(trace: TraceView): object;
  /** Service nodes (GetServiceGraph / GetTraceGraph `Services`). */
  buildServiceGraph(traces: Iterable<TraceView>, window?: { startTime: number; endTime: number }): object[];
  /** One BatchGetTraces entry. */
  toApiTrace(trace: TraceView): ApiTraceShape;
}
