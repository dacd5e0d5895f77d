/**
 * The sampling operations of the local X-Ray API: GetSamplingRules, GetSamplingTargets,
 * GetSamplingStatisticSummaries and rule CRUD (with Tags on create).
 */
import { type Tags, assertTagCount, parseTags } from '../tags/tags.js';
import type { SamplingRules } from '../sampling/sampling-rules.js';
import { MAX_STATISTICS_DOCUMENTS, type SamplingTargets } from '../sampling/sampling-targets.js';
import { type JsonObject, optArray, reqArray, reqObject } from './fields.js';
import { decodeToken, encodeToken, tokenIndex } from './next-token.js';

export interface SamplingContext {
  rules: SamplingRules;
  targets: SamplingTargets;
  rulesPerPage: number;
  /** Tags of rules (CreateSamplingRule `Tags`; a deleted rule's tags go with it). */
  tags?: Tags;
}

export function getSamplingRules(ctx: SamplingContext, body: JsonObject): object {
  const token = decodeToken('rules', body.NextToken);
  const from = token ? tokenIndex(token, 'n') : 0;
  const all = ctx.rules.list();
  const page = all.slice(from, from + ctx.rulesPerPage);
  const result: JsonObject = { SamplingRuleRecords: page };
  if (from + ctx.rulesPerPage < all.length) result.NextToken = encodeToken('rules', { n: from + ctx.rulesPerPage });
  return result;
}

export function getSamplingTargets(ctx: SamplingContext, body: JsonObject): object {
  const docs = reqArray(body, 'SamplingStatisticsDocuments', 'SamplingStatisticsDocuments', MAX_STATISTICS_DOCUMENTS, 0);
  // Boost statistics are accepted and not acted on (no adaptive sampling locally).
  optArray(body, 'SamplingBoostStatisticsDocuments', 'SamplingBoostStatisticsDocuments', MAX_STATISTICS_DOCUMENTS);
  return ctx.targets.report(docs);
}

export function createSamplingRule(ctx: SamplingContext, body: JsonObject): object {
  const tags = parseTags(body.Tags);
  const raw = reqObject(body, 'SamplingRule');
  assertTagCount(tags, String(raw.RuleName ?? raw.RuleARN ?? ''));
  const record = ctx.rules.create(raw);
  ctx.tags?.set(record.SamplingRule.RuleARN, tags);
  return { SamplingRuleRecord: record };
}

export function getSamplingStatisticSummaries(ctx: SamplingContext, body: JsonObject): object {
  const token = decodeToken('sampling-stats', body.NextToken);
  const from = token ? tokenIndex(token, 'n') : 0;
  const all = ctx.targets.statistics.summaries();
  const page = all.slice(from, from + ctx.rulesPerPage);
  const result: JsonObject = { SamplingStatisticSummaries: page };
  if (from + ctx.rulesPerPage < all.length) result.NextToken = encodeToken('sampling-stats', { n: from + ctx.rulesPerPage });
  return result;
}

export function updateSamplingRule(ctx: SamplingContext, body: JsonObject): object {
  return { SamplingRuleRecord: ctx.rules.update(reqObject(body, 'SamplingRuleUpdate')) };
}

export function deleteSamplingRule(ctx: SamplingContext, body: JsonObject): object {
  const record = ctx.rules.delete(body);
  ctx.targets.forgetRule(record.SamplingRule.RuleName);
  ctx.tags?.forget(record.SamplingRule.RuleARN);
  return { SamplingRuleRecord: record };
}
