/**
 * The sampling operations of the local X-Ray API: GetSamplingRules, GetSamplingTargets and rule CRUD.
 */
import type { SamplingRules } from '../sampling/sampling-rules.js';
import { MAX_STATISTICS_DOCUMENTS, type SamplingTargets } from '../sampling/sampling-targets.js';
import { type JsonObject, optArray, reqArray, reqObject } from './fields.js';
import { decodeToken, encodeToken, tokenIndex } from './next-token.js';

export interface SamplingContext {
  rules: SamplingRules;
  targets: SamplingTargets;
  rulesPerPage: number;
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
  optArray(body, 'Tags', 'Tags', 200);
  return { SamplingRuleRecord: ctx.rules.create(reqObject(body, 'SamplingRule')) };
}

export function updateSamplingRule(ctx: SamplingContext, body: JsonObject): object {
  return { SamplingRuleRecord: ctx.rules.update(reqObject(body, 'SamplingRuleUpdate')) };
}

export function deleteSamplingRule(ctx: SamplingContext, body: JsonObject): object {
  const record = ctx.rules.delete(body);
  ctx.targets.forgetRule(record.SamplingRule.RuleName);
  return { SamplingRuleRecord: record };
}
