/**
 * Insights of the local X-Ray API: GetInsightSummaries, GetInsight, GetInsightEvents and
 * GetInsightImpactGraph over what the local detector found (src/local/insights/). An unknown
 * InsightId is InvalidRequestException, as in X-Ray.
 */
import type { Groups } from '../groups/groups.js';
import { type Insight, type Insights, insightSummary } from '../insights/insights.js';
import { buildServiceGraph } from '../reads/service-graph.js';
import type { TraceStore } from '../store/trace-store.js';
import type { TraceView } from '../trace-view.js';
import { type JsonObject, optArray, optNumber, reqString } from './fields.js';
import { resolveGroup } from './group-handlers.js';
import { decodeToken, encodeToken, tokenIndex } from './next-token.js';
import { DAY_S, timeWindow } from './time-window.js';
import { invalidRequest } from './xray-api-error.js';

export interface InsightContext {
  insights: Insights;
  groups: Groups;
  store: TraceStore;
  /** Traces an impact graph is built from (newest first). */
  graphMaxTraces: number;
  now: () => number;
}

const INSIGHT_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

function insightOf(ctx: InsightContext, body: JsonObject): Insight {
  const id = reqString(body, 'InsightId');
  if (!INSIGHT_ID.test(id)) throw invalidRequest('InsightId must be a UUID');
  const insight = ctx.insights.get(id);
  if (!insight) throw invalidRequest(`Insight not found: ${id}`);
  return insight;
}

function page<T>(op: string, items: T[], body: JsonObject, max: number, key: string): object {
  const size = optNumber(body, 'MaxResults', 'MaxResults', { integer: true, min: 1, max }) ?? max;
  const token = decodeToken(op, body.NextToken);
  const from = token ? tokenIndex(token, 'n') : 0;
  const out: JsonObject = { [key]: items.slice(from, from + size) };
  if (from + size < items.length) out.NextToken = encodeToken(op, { n: from + size });
  return out;
}

export function getInsightSummaries(ctx: InsightContext, body: JsonObject): object {
  const window = timeWindow(body, { maxAgeS: 30 * DAY_S, nowS: ctx.now() / 1000 });
  const states = optArray(body, 'States', 'States', 1) ?? [];
  for (const s of states) if (s !== 'ACTIVE' && s !== 'CLOSED') throw invalidRequest('States must hold ACTIVE or CLOSED');
  const group = resolveGroup(ctx.groups, body);
  const nowS = ctx.now() / 1000;
  const found = ctx.insights
    .list()
    .filter((i) => i.GroupARN === group.GroupARN && (states.length === 0 || states.includes(i.State)))
    .filter((i) => i.StartTime <= window.endTime && (i.EndTime ?? nowS) >= window.startTime)
    .sort((a, b) => b.StartTime - a.StartTime)
    .map(insightSummary);
  return page('insights', found, body, 100, 'InsightSummaries');
}

export function getInsight(ctx: InsightContext, body: JsonObject): object {
  return { Insight: insightSummary(insightOf(ctx, body)) };
}

export function getInsightEvents(ctx: InsightContext, body: JsonObject): object {
  const insight = insightOf(ctx, body);
  return page('insight-events', [...insight.Events].reverse(), body, 50, 'InsightEvents');
}

export function getInsightImpactGraph(ctx: InsightContext, body: JsonObject): object {
  const insight = insightOf(ctx, body);
  const window = timeWindow(body, { maxAgeS: 30 * DAY_S, maxSpanS: 6 * 3600, nowS: ctx.now() / 1000 });
  decodeToken('impact', body.NextToken);
  const group = ctx.groups.byArn(insight.GroupARN);
  const matches = group ? ctx.groups.matcher(group) : undefined;
  const traces: TraceView[] = [];
  for (const { trace } of ctx.store.range({ ...window, by: 'Event' })) {
    if (traces.length >= ctx.graphMaxTraces) break;
    if (!matches || matches(trace)) traces.push(trace);
  }
  const nodes = buildServiceGraph(traces, window);
  return {
    InsightId: insight.InsightId,
    StartTime: window.startTime,
    EndTime: window.endTime,
    ServiceGraphStartTime: window.startTime,
    ServiceGraphEndTime: window.endTime,
    Services: nodes.map((n) => ({
      ReferenceId: n.ReferenceId,
      Name: n.Name,
      Names: n.Names,
      ...(n.Type !== undefined ? { Type: n.Type } : {}),
      ...(n.AccountId !== undefined ? { AccountId: n.AccountId } : {}),
      Edges: (n.Edges ?? []).map((e) => ({ ReferenceId: e.ReferenceId })),
    })),
  };
}
