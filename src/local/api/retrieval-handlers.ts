/**
 * Trace retrieval of the local X-Ray API: StartTraceRetrieval, ListRetrievedTraces (TraceFormat
 * XRAY: segment documents; OTEL: OTLP JSON spans from the X-Ray -> OTLP translator),
 * GetRetrievedTracesGraph and CancelTraceRetrieval (see src/local/retrieval/).
 */
import type { TraceRetrievals } from '../retrieval/trace-retrievals.js';
import type { TraceView } from '../trace-view.js';
import type { XrayReads } from './xray-reads.js';
import { type JsonObject, optString, reqArray, reqString } from './fields.js';
import { decodeToken, encodeToken, tokenIndex } from './next-token.js';
import { timeWindow } from './time-window.js';
import { invalidRequest } from './xray-api-error.js';

/** One retrieved trace as OTLP JSON spans: `{ Id, Document }` per span. */
export type OtelSpans = (trace: TraceView) => { Id: string; Document: string }[];

export interface RetrievalContext {
  retrievals: TraceRetrievals;
  reads: XrayReads;
  /** Undefined: TraceFormat OTEL is refused (InvalidRequestException). */
  otelSpans?: OtelSpans;
}

/** The model's limits: 5 traces per ListRetrievedTraces page, 100 spans per trace. */
const TRACES_PER_PAGE = 5;
const SPANS_PER_TRACE = 100;

function token(body: JsonObject): string {
  return reqString(body, 'RetrievalToken', 'RetrievalToken', 1020);
}

export function startTraceRetrieval(ctx: RetrievalContext, body: JsonObject): object {
  const ids = reqArray(body, 'TraceIds', 'TraceIds', 100, 0).map((id, i) => {
    if (typeof id !== 'string' || id.length < 1 || id.length > 35) throw invalidRequest(`TraceIds[${i}] must be a trace id of 1-35 characters`);
    return id;
  });
  const window = timeWindow(body);
  return { RetrievalToken: ctx.retrievals.start(ids, window.startTime, window.endTime) };
}

export function listRetrievedTraces(ctx: RetrievalContext, body: JsonObject): object {
  const retrieval = ctx.retrievals.traces(token(body));
  const format = optString(body, 'TraceFormat') ?? 'XRAY';
  if (format !== 'XRAY' && format !== 'OTEL') throw invalidRequest('TraceFormat must be XRAY or OTEL');
  const otel = ctx.otelSpans;
  if (format === 'OTEL' && !otel) throw invalidRequest('TraceFormat OTEL is not available in this build of the local backend');
  const next = decodeToken('retrieved', body.NextToken);
  const from = next ? tokenIndex(next, 'n') : 0;
  const traces = retrieval.traces.slice(from, from + TRACES_PER_PAGE).map((t) => {
    const api = ctx.reads.toApiTrace(t);
    const spans = format === 'OTEL' ? otel!(t) : (api.Segments ?? []).map((s) => ({ Id: s.Id, Document: s.Document }));
    return { Id: t.id, Duration: api.Duration, Spans: spans.slice(0, SPANS_PER_TRACE) };
  });
  const out: JsonObject = { RetrievalStatus: retrieval.status, TraceFormat: format, Traces: traces };
  if (from + TRACES_PER_PAGE < retrieval.traces.length) out.NextToken = encodeToken('retrieved', { n: from + TRACES_PER_PAGE });
  return out;
}

export function getRetrievedTracesGraph(ctx: RetrievalContext, body: JsonObject): object {
  const retrieval = ctx.retrievals.traces(token(body));
  decodeToken('retrieved-graph', body.NextToken);
  const services = ctx.reads.buildServiceGraph(retrieval.traces).slice(0, 1000);
  return { RetrievalStatus: retrieval.status, Services: services.map((s) => ({ Service: s, Links: [] })) };
}

export function cancelTraceRetrieval(ctx: RetrievalContext, body: JsonObject): object {
  ctx.retrievals.cancel(token(body));
  return {};
}
