/**
 * Sampling rules in X-Ray's shape, and their validation (limits from the X-Ray API reference).
 * The Node SDK keeps a rule only if Version is 1, ResourceARN is "*" and Attributes is {} (XRAY-FACTS §3).
 */
import { invalidRequest } from '../api/xray-api-error.js';
import { type JsonObject, isObject, optNumber, optObject, optString, reqNumber, reqString } from '../api/fields.js';

export interface SamplingRule {
  RuleName: string;
  RuleARN: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: number;
  Attributes: Record<string, string>;
  SamplingRateBoost?: { MaxRate: number; CooldownWindowMinutes: number };
}

export const DEFAULT_RULE_NAME = 'Default';

/** Field limits; `Priority` of user rules is 1-9999 (the Default rule is 10000). */
const TEXT_LIMITS: Record<string, number> = {
  ResourceARN: 500,
  ServiceName: 64,
  ServiceType: 64,
  Host: 64,
  HTTPMethod: 10,
  URLPath: 128,
};

export function ruleArn(prefix: string, name: string): string {
  return `${prefix}:sampling-rule/${name}`;
}

export function defaultRule(arnPrefix: string): SamplingRule {
  return {
    RuleName: DEFAULT_RULE_NAME,
    RuleARN: ruleArn(arnPrefix, DEFAULT_RULE_NAME),
    ResourceARN: '*',
    Priority: 10000,
    FixedRate: 0.05,
    ReservoirSize: 1,
    ServiceName: '*',
    ServiceType: '*',
    Host: '*',
    HTTPMethod: '*',
    URLPath: '*',
    Version: 1,
    Attributes: {},
  };
}

function attributes(obj: JsonObject, path: string): Record<string, string> | undefined {
  const raw = optObject(obj, 'Attributes', `${path}.Attributes`);
  if (raw === undefined) return undefined;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const keys = Object.keys(raw);
  if (keys.length > 5) throw invalidRequest(`${path}.Attributes must have at most 5 entries`);
  for (const k of keys) {
    const v = raw[k];
    if (k.length < 1 || k.length > 32) throw invalidRequest(`${path}.Attributes key "${k.slice(0, 40)}" must be 1-32 characters`);
    if (typeof v !== 'string' || v.length < 1 || v.length > 32) throw invalidRequest(`${path}.Attributes.${k} must be a string of 1-32 characters`);
    out[k] = v;
  }
  // A plain object again, so JSON output and equality checks behave normally.
  return { ...out };
}

function boost(obj: JsonObject, path: string): SamplingRule['SamplingRateBoost'] | undefined {
  const raw = optObject(obj, 'SamplingRateBoost', `${path}.SamplingRateBoost`);
  if (raw === undefined) return undefined;
  return {
    MaxRate: reqNumber(raw, 'MaxRate', `${path}.SamplingRateBoost.MaxRate`, { min: 0, max: 1 }),
    CooldownWindowMinutes: reqNumber(raw, 'CooldownWindowMinutes', `${path}.SamplingRateBoost.CooldownWindowMinutes`, { min: 1, integer: true }),
  };
}

/** The name addressed by a RuleName or RuleARN (create, update, delete). */
export function ruleNameOf(obj: JsonObject, path: string): string | undefined {
  const p = path ? `${path}.` : '';
  const name = optString(obj, 'RuleName', `${p}RuleName`, RULE_NAME_MAX, 1);
  if (name !== undefined) return name;
  const arn = optString(obj, 'RuleARN', `${p}RuleARN`, 500, 1);
  if (arn === undefined) return undefined;
  const at = arn.lastIndexOf(':sampling-rule/');
  if (!arn.startsWith('arn:') || at < 0) throw invalidRequest(`${p}RuleARN is not a sampling rule ARN`);
  // the name it carries obeys the RuleName rules: an ARN must not address what RuleName cannot
  const fromArn = arn.slice(at + ':sampling-rule/'.length);
  if (fromArn.length < 1 || fromArn.length > RULE_NAME_MAX) {
    throw invalidRequest(`${p}RuleARN: the rule name in it must be 1 to ${RULE_NAME_MAX} characters, got ${fromArn.length}`);
  }
  return fromArn;
}

/** X-Ray's limit on RuleName, and on the name at the end of a RuleARN. */
const RULE_NAME_MAX = 32;

/** Validates a `SamplingRule` of CreateSamplingRule (every field required but RuleARN/Attributes). */
export function parseNewRule(raw: unknown, path: string, arnPrefix: string): SamplingRule {
  if (!isObject(raw)) throw invalidRequest(`${path} is required`);
  const name = ruleNameOf(raw, path);
  if (name === undefined) throw invalidRequest(`${path}.RuleName is required`);
  const text = (key: string): string => reqString(raw, key, `${path}.${key}`, TEXT_LIMITS[key], 1);
  const version = reqNumber(raw, 'Version', `${path}.Version`, { integer: true, min: 1 });
  if (version !== 1) throw invalidRequest(`${path}.Version must be 1`);
  const rule: SamplingRule = {
    RuleName: name,
    RuleARN: ruleArn(arnPrefix, name),
    ResourceARN: text('ResourceARN'),
    Priority: reqNumber(raw, 'Priority', `${path}.Priority`, { integer: true, min: 1, max: 9999 }),
    FixedRate: reqNumber(raw, 'FixedRate', `${path}.FixedRate`, { min: 0, max: 1 }),
    ReservoirSize: reqNumber(raw, 'ReservoirSize', `${path}.ReservoirSize`, { integer: true, min: 0 }),
    ServiceName: text('ServiceName'),
    ServiceType: text('ServiceType'),
    Host: text('Host'),
    HTTPMethod: text('HTTPMethod'),
    URLPath: text('URLPath'),
    Version: 1,
    Attributes: attributes(raw, path) ?? {},
  };
  const b = boost(raw, path);
  if (b) rule.SamplingRateBoost = b;
  return rule;
}

/** Applies a `SamplingRuleUpdate` (every field optional) to a copy of `rule`. */
export function applyRuleUpdate(rule: SamplingRule, raw: JsonObject, path: string): SamplingRule {
  const next: SamplingRule = { ...rule, Attributes: { ...rule.Attributes } };
  const isDefault = rule.RuleName === DEFAULT_RULE_NAME;
  for (const key of Object.keys(TEXT_LIMITS)) {
    const v = optString(raw, key, `${path}.${key}`, TEXT_LIMITS[key], 1);
    if (v === undefined) continue;
    if (isDefault && v !== (rule as unknown as Record<string, unknown>)[key]) {
      throw invalidRequest(`${path}.${key} cannot be changed on the Default rule (only FixedRate and ReservoirSize)`);
    }
    (next as unknown as Record<string, unknown>)[key] = v;
  }
  const priority = optNumber(raw, 'Priority', `${path}.Priority`, { integer: true, min: 1, max: 9999 });
  if (priority !== undefined) {
    if (isDefault) throw invalidRequest(`${path}.Priority cannot be changed on the Default rule`);
    next.Priority = priority;
  }
  const rate = optNumber(raw, 'FixedRate', `${path}.FixedRate`, { min: 0, max: 1 });
  if (rate !== undefined) next.FixedRate = rate;
  const size = optNumber(raw, 'ReservoirSize', `${path}.ReservoirSize`, { integer: true, min: 0 });
  if (size !== undefined) next.ReservoirSize = size;
  const attrs = attributes(raw, path);
  if (attrs !== undefined) {
    if (isDefault && Object.keys(attrs).length > 0) throw invalidRequest(`${path}.Attributes cannot be changed on the Default rule`);
    next.Attributes = attrs;
  }
  const b = boost(raw, path);
  if (b) next.SamplingRateBoost = b;
  return next;
}
