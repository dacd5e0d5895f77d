/**
 * The local backend's sampling rules: a `Default` rule that always exists (it can be tuned, not
 * deleted) plus up to `maxRules` user rules. Kept in memory; a restart brings back only Default.
 */
import { XrayApiError, invalidRequest } from '../api/xray-api-error.js';
import type { JsonObject } from '../api/fields.js';
import { DEFAULT_RULE_NAME, type SamplingRule, applyRuleUpdate, defaultRule, parseNewRule, ruleNameOf } from './sampling-rule.js';

export interface SamplingRuleRecord {
  SamplingRule: SamplingRule;
  /** Epoch seconds. */
  CreatedAt: number;
  ModifiedAt: number;
}

export interface SamplingRulesOptions {
  /** `arn:aws:xray:<region>:<account>`, the prefix of every RuleARN. */
  arnPrefix?: string;
  /** User rules besides Default (X-Ray's quota is 25). */
  maxRules?: number;
  /** Milliseconds since the epoch (injectable for tests). */
  now?: () => number;
}

export const LOCAL_ARN_PREFIX = 'arn:aws:xray:local:000000000000';

export class SamplingRules {
  private readonly records = new Map<string, SamplingRuleRecord>();
  private readonly arnPrefix: string;
  private readonly maxRules: number;
  readonly now: () => number;
  private lastModification: number;

  constructor(options: SamplingRulesOptions = {}) {
    this.arnPrefix = options.arnPrefix ?? LOCAL_ARN_PREFIX;
    this.maxRules = options.maxRules ?? 25;
    this.now = options.now ?? Date.now;
    const at = this.seconds();
    this.records.set(DEFAULT_RULE_NAME, { SamplingRule: defaultRule(this.arnPrefix), CreatedAt: at, ModifiedAt: at });
    this.lastModification = at;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Highest priority first (lowest number), then by name: the order SDKs match in. */
  list(): SamplingRuleRecord[] {
    return [...this.records.values()].sort(
      (a, b) => a.SamplingRule.Priority - b.SamplingRule.Priority || a.SamplingRule.RuleName.localeCompare(b.SamplingRule.RuleName),
    );
  }

  get(name: string): SamplingRuleRecord | undefined {
    return this.records.get(name);
  }

  /** Epoch seconds of the last create, update or delete. */
  get lastModified(): number {
    return this.lastModification;
  }

  create(raw: unknown): SamplingRuleRecord {
    const rule = parseNewRule(raw, 'SamplingRule', this.arnPrefix);
    if (this.records.has(rule.RuleName)) throw invalidRequest(`SamplingRule.RuleName: a rule named "${rule.RuleName}" already exists`);
    if (this.records.size - 1 >= this.maxRules) {
      throw new XrayApiError('RuleLimitExceededException', 400, `at most ${this.maxRules} sampling rules besides Default`);
    }
    const at = this.seconds();
    const record = { SamplingRule: rule, CreatedAt: at, ModifiedAt: at };
    this.records.set(rule.RuleName, record);
    this.lastModification = at;
    return record;
  }

  update(raw: JsonObject): SamplingRuleRecord {
    const name = ruleNameOf(raw, 'SamplingRuleUpdate');
    if (name === undefined) throw invalidRequest('SamplingRuleUpdate.RuleName or SamplingRuleUpdate.RuleARN is required');
    const existing = this.records.get(name);
    if (!existing) throw invalidRequest(`SamplingRuleUpdate.RuleName: no sampling rule named "${name}"`);
    const rule = applyRuleUpdate(existing.SamplingRule, raw, 'SamplingRuleUpdate');
    const at = this.seconds();
    const record = { SamplingRule: rule, CreatedAt: existing.CreatedAt, ModifiedAt: at };
    this.records.set(name, record);
    this.lastModification = at;
    return record;
  }

  delete(raw: JsonObject): SamplingRuleRecord {
    const name = ruleNameOf(raw, '');
    if (name === undefined) throw invalidRequest('RuleName or RuleARN is required');
    if (name === DEFAULT_RULE_NAME) throw invalidRequest('RuleName: the Default rule cannot be deleted');
    const existing = this.records.get(name);
    if (!existing) throw invalidRequest(`RuleName: no sampling rule named "${name}"`);
    this.records.delete(name);
    this.lastModification = this.seconds();
    return existing;
  }
}
