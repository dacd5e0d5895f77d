import type {
  BatchGetTracesResult,
  GetServiceGraphRequest,
  GetServiceGraphResult,
  GetTraceSummariesRequest,
  Service,
  Trace,
  TraceSummary,
} from '../../../src/console/model/xray-types.js';
import type {
  Group,
  InsightSummary,
  SamplingRule,
  SamplingRuleRecord,
  SamplingStatisticSummary,
  TimeSeriesServiceStatistics,
} from '../../../src/console/model/xray-admin-types.js';

/** An X-Ray API error as the service sends it: `{"__type": "...", "Message": "..."}`. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Pages followed per listing; the daemon's store is bounded, this bounds one refresh. */
const MAX_PAGES = 20;
const MAX_TRACES = 2000;

async function call<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('NetworkError', 'xrayd is not reachable. Is the daemon still running?', 0);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const fields = (parsed ?? {}) as { __type?: string; Message?: string; message?: string };
    // rest-json error types may carry a namespace prefix and a `:url` suffix.
    const type = (res.headers.get('x-amzn-ErrorType') ?? fields.__type ?? `HTTP ${res.status}`).split(':')[0].split('#').pop() ?? '';
    throw new ApiError(type, fields.Message ?? fields.message ?? (text.slice(0, 300) || res.statusText), res.status);
  }
  if (parsed === undefined || typeof parsed !== 'object') {
    throw new ApiError('InvalidResponse', `${path} answered something that is not JSON`, res.status);
  }
  return parsed as T;
}

export interface SummaryListing {
  summaries: TraceSummary[];
  /** True when more traces matched than the console fetched. */
  truncated: boolean;
}

/**
 * GetTraceSummaries, following NextToken (bounded). `onFirstPage` gets the first page as soon as it
 * arrives when more follow, so a list over a large store shows something while the rest loads.
 */
export async function getTraceSummaries(
  request: GetTraceSummariesRequest,
  signal?: AbortSignal,
  onFirstPage?: (listing: SummaryListing) => void,
): Promise<SummaryListing> {
  const summaries: TraceSummary[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await call<{ TraceSummaries?: TraceSummary[]; NextToken?: string }>(
      '/TraceSummaries',
      { ...request, ...(token === undefined ? {} : { NextToken: token }) },
      signal,
    );
    summaries.push(...(result.TraceSummaries ?? []));
    token = result.NextToken ?? undefined;
    if (token === undefined || token === '') return { summaries, truncated: false };
    if (summaries.length >= MAX_TRACES) break;
    if (page === 0) onFirstPage?.({ summaries: [...summaries], truncated: true });
  }
  return { summaries, truncated: true };
}

/** BatchGetTraces for one trace; undefined when the daemon no longer holds it. */
export async function getTrace(id: string, signal?: AbortSignal): Promise<Trace | undefined> {
  const result = await call<BatchGetTracesResult>('/Traces', { TraceIds: [id] }, signal);
  return (result.Traces ?? []).find((t) => t.Id === id);
}

/** GetServiceGraph, following NextToken (bounded). */
export async function getServiceGraph(request: GetServiceGraphRequest, signal?: AbortSignal): Promise<Service[]> {
  const services: Service[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await call<GetServiceGraphResult>(
      '/ServiceGraph',
      { ...request, ...(token === undefined ? {} : { NextToken: token }) },
      signal,
    );
    services.push(...(result.Services ?? []));
    token = result.NextToken ?? undefined;
    if (token === undefined || token === '') break;
  }
  return services;
}

/** Follows NextToken (bounded) for a listing operation whose items sit under `key`. */
async function listAll<T>(path: string, key: string, body: object, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await call<Record<string, unknown>>(path, { ...body, ...(token === undefined ? {} : { NextToken: token }) }, signal);
    items.push(...((result[key] as T[] | undefined) ?? []));
    token = typeof result.NextToken === 'string' && result.NextToken !== '' ? result.NextToken : undefined;
    if (token === undefined) break;
  }
  return items;
}

export const getSamplingRules = (signal?: AbortSignal) => listAll<SamplingRuleRecord>('/GetSamplingRules', 'SamplingRuleRecords', {}, signal);
export const getSamplingStatisticSummaries = (signal?: AbortSignal) =>
  listAll<SamplingStatisticSummary>('/SamplingStatisticSummaries', 'SamplingStatisticSummaries', {}, signal);
export const createSamplingRule = (rule: SamplingRule) => call<{ SamplingRuleRecord?: SamplingRuleRecord }>('/CreateSamplingRule', { SamplingRule: rule });
export const updateSamplingRule = (update: Partial<SamplingRule>) => call<{ SamplingRuleRecord?: SamplingRuleRecord }>('/UpdateSamplingRule', { SamplingRuleUpdate: update });
export const deleteSamplingRule = (name: string) => call<{ SamplingRuleRecord?: SamplingRuleRecord }>('/DeleteSamplingRule', { RuleName: name });

export const getGroups = (signal?: AbortSignal) => listAll<Group>('/Groups', 'Groups', {}, signal);
export const createGroup = (name: string, filter: string) => call<{ Group?: Group }>('/CreateGroup', { GroupName: name, FilterExpression: filter });

export const getTimeSeriesServiceStatistics = (request: { StartTime: number; EndTime: number; EntitySelectorExpression?: string; GroupName?: string; Period?: number }, signal?: AbortSignal) =>
  listAll<TimeSeriesServiceStatistics>('/TimeSeriesServiceStatistics', 'TimeSeriesServiceStatistics', request, signal);

export const getInsightSummaries = (request: { StartTime: number; EndTime: number; GroupName?: string }, signal?: AbortSignal) =>
  listAll<InsightSummary>('/InsightSummaries', 'InsightSummaries', request, signal);
export const getInsight = (id: string, signal?: AbortSignal) => call<{ Insight?: InsightSummary }>('/Insight', { InsightId: id }, signal);
