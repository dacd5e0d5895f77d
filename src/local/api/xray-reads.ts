/**
 * What the read operations need from the summary and graph builders (src/local/reads/). Injected
 * into the API route so each side can be built and tested on its own.
 */
import type { ApiTrace, ServiceNode, TraceSummary } from '../reads/api-types.js';
import type { TraceView } from '../trace-view.js';

export interface XrayReads {
  /** One GetTraceSummaries entry. */
  summarizeTrace(trace: TraceView): TraceSummary;
  /** Service nodes (GetServiceGraph / GetTraceGraph `Services`). */
  buildServiceGraph(traces: Iterable<TraceView>, window?: { startTime: number; endTime: number }): ServiceNode[];
  /** One BatchGetTraces entry. */
  toApiTrace(trace: TraceView): ApiTrace;
}
