/**
 * The read operations of the local X-Ray API: GetTraceSummaries, BatchGetTraces, GetServiceGraph,
 * GetTraceGraph. Every answer is bounded: summaries by a page size and a scan budget (traces and
 * time) per page, traces by bytes per page, graphs by the number of traces they are built from.
 */
import { FilterSyntaxError, FilterUnsupportedError, compileFilter } from '../filter/index.js';
import type { TimeRangeType, TraceStore } from '../store/trace-store.js';
import type { TraceView } from '../trace-view.js';
import type { Groups } from '../groups/groups.js';
import { type JsonObject, optBoolean, optObject, optString, reqArray } from './fields.js';
import { timeWindow } from './time-window.js';
import { decodeToken, encodeToken, tokenIndex } from './next-token.js';
import { invalidRequest } from './xray-api-error.js';
import type { XrayReads } from './xray-reads.js';

export interface ReadLimits {
  /** Summaries per GetTraceSummaries page. */
  summariesPerPage: number;
  /** Traces examined per GetTraceSummaries page before answering with a NextToken. */
  scanPerPage: number;
  /**
   * Time spent examining traces per GetTraceSummaries page before answering with a NextToken:
   * cheap filters scan far, expensive ones answer early, and the event loop is never held long.
   */
  scanTimePerPageMs: number;
  /** Approximate Document bytes per BatchGetTraces page (at least one trace per page). */
  traceBytesPerPage: number;
  /** Trace ids per BatchGetTraces / GetTraceGraph call. */
  maxTraceIds: number;
  /** Newest traces a service graph is built from. */
  graphMaxTraces: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  summariesPerPage: 100,
  scanPerPage: 100_000,
  scanTimePerPageMs: 200,
  traceBytesPerPage: 4 * 1024 * 1024,
  maxTraceIds: 100,
  graphMaxTraces: 10_000,
};

export interface ReadContext {
  store: TraceStore;
  reads: XrayReads;
  limits: ReadLimits;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Groups scoping GetServiceGraph (GroupName / GroupARN). */
  groups?: Groups;
}

/** The filter of the group a request names, or undefined (no group, or one holding every trace). */
export function groupMatcher(groups: Groups | undefined, body: JsonObject): ((t: TraceView) => boolean) | undefined {
  const name = optString(body, 'GroupName', 'GroupName', 32, 1);
  const arn = optString(body, 'GroupARN', 'GroupARN', 400, 1);
  if (name === undefined && arn === undefined) return undefined;
  if (!groups) throw invalidRequest(`Group not found: ${name ?? arn}`);
  return groups.matcher(groups.resolve(name, arn));
}

function compile(expression: string | undefined): ((t: TraceView) => boolean) | undefined {
  if (expression === undefined || expression.trim() === '') return undefined;
  try {
    return compileFilter(expression);
  } catch (err) {
    if (err instanceof FilterSyntaxError || err instanceof FilterUnsupportedError) {
      throw invalidRequest(`FilterExpression: ${err.message}`);
    }
    throw err;
  }
}

export function getTraceSummaries(ctx: ReadContext, body: JsonObject): object {
  const window = timeWindow(body);
  const rangeType = optString(body, 'TimeRangeType') ?? 'TraceId';
  if (rangeType !== 'TraceId' && rangeType !== 'Event' && rangeType !== 'Service') {
    throw invalidRequest('TimeRangeType must be TraceId, Event or Service');
  }
  // Service time is the time of the service's segments: the event window is the closest we keep.
  const by: TimeRangeType = rangeType === 'TraceId' ? 'TraceId' : 'Event';
  optBoolean(body, 'Sampling');
  const strategy = optObject(body, 'SamplingStrategy');
  if (strategy) {
    const name = optString(strategy, 'Name', 'SamplingStrategy.Name');
    if (name !== undefined && name !== 'PartialScan' && name !== 'FixedRate') {
      throw invalidRequest('SamplingStrategy.Name must be PartialScan or FixedRate');
    }
  }
  const filter = compile(optString(body, 'FilterExpression', 'FilterExpression', 2000));
  const token = decodeToken('summaries', body.NextToken);
  const approximateTime = token ? Number(token.at) : ctx.now() / 1000;
  let before: { time: number; id: string } | undefined;
  if (token) {
    if (typeof token.t !== 'number' || typeof token.i !== 'string' || !Number.isFinite(approximateTime)) {
      throw invalidRequest('NextToken is invalid');
    }
    before = { time: token.t, id: token.i };
  }

  const summaries: object[] = [];
  let processed = 0;
  let last: { time: number; id: string } | undefined;
  let more = false;
  const deadline = performance.now() + ctx.limits.scanTimePerPageMs;
  for (const { trace, time } of ctx.store.range({ ...window, by, before })) {
    const outOfTime = processed % 64 === 63 && performance.now() > deadline;
    if (summaries.length >= ctx.limits.summariesPerPage || processed >= ctx.limits.scanPerPage || outOfTime) {
      more = true;
      break;
    }
    processed += 1;
    last = { time, id: trace.id };
    if (filter && !filter(trace)) continue;
    summaries.push(ctx.reads.summarizeTrace(trace));
  }
  const result: JsonObject = { TraceSummaries: summaries, ApproximateTime: approximateTime, TracesProcessedCount: processed };
  if (more && last) result.NextToken = encodeToken('summaries', { t: last.time, i: last.id, at: approximateTime });
  return result;
}

function traceIds(body: JsonObject, max: number): string[] {
  const ids = reqArray(body, 'TraceIds', 'TraceIds', max);
  return ids.map((id, i) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > 35) throw invalidRequest(`TraceIds[${i}] must be a trace id string`);
    return id;
  });
}

export function batchGetTraces(ctx: ReadContext, body: JsonObject): object {
  const ids = traceIds(body, ctx.limits.maxTraceIds);
  const token = decodeToken('traces', body.NextToken);
  const from = token ? tokenIndex(token, 'n') : 0;
  const traces: object[] = [];
  const unprocessed: string[] = [];
  let bytes = 0;
  let i = from;
  for (; i < ids.length; i++) {
    if (traces.length > 0 && bytes >= ctx.limits.traceBytesPerPage) break;
    const trace = ctx.store.get(ids[i]);
    if (!trace) {
      unprocessed.push(ids[i]);
      continue;
    }
    const api = ctx.reads.toApiTrace(trace);
    for (const s of api.Segments ?? []) bytes += s.Document?.length ?? 0;
    traces.push(api);
  }
  const result: JsonObject = { Traces: traces, UnprocessedTraceIds: unprocessed };
  if (i < ids.length) result.NextToken = encodeToken('traces', { n: i });
  return result;
}

export function getServiceGraph(ctx: ReadContext, body: JsonObject): object {
  const window = timeWindow(body);
  const matches = groupMatcher(ctx.groups, body);
  decodeToken('graph', body.NextToken);
  const traces: TraceView[] = [];
  let examined = 0;
  for (const { trace } of ctx.store.range({ ...window, by: 'Event' })) {
    // A group's filter is bounded by the summaries' scan budget as well as by the graph's size.
    if (traces.length >= ctx.limits.graphMaxTraces || (matches && examined >= ctx.limits.scanPerPage)) break;
    examined += 1;
    if (!matches || matches(trace)) traces.push(trace);
  }
  return {
    StartTime: window.startTime,
    EndTime: window.endTime,
    Services: ctx.reads.buildServiceGraph(traces, window),
    ContainsOldGroupVersions: false,
  };
}

export function getTraceGraph(ctx: ReadContext, body: JsonObject): object {
  const ids = traceIds(body, ctx.limits.maxTraceIds);
  decodeToken('graph', body.NextToken);
  const traces: TraceView[] = [];
  for (const id of ids) {
    const t = ctx.store.get(id);
    if (t) traces.push(t);
  }
  return { Services: ctx.reads.buildServiceGraph(traces) };
}

