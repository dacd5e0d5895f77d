/**
 * The local backend's sampling rules: a `Default` rule that always exists (it can be tuned, not
 * deleted) plus up to `maxRules` user rules. Kept in the state store when one is given (persisted
 * with a store path; changes to Default are kept too).
 */
import type { StateStore } from '../state/state-store.js';
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
  /** Where rules are kept across restarts. */
  state?: StateStore;
}

export const LOCAL_ARN_PREFIX = 'arn:aws:xray:local:000000000000';

export class SamplingRules {
  private readonly records = new Map<string, SamplingRuleRecord>();
  private readonly arnPrefix: string;
  private readonly maxRules: number;
  readonly now: () => number;
  private lastModification: number;
  private readonly state: StateStore | undefined;

  constructor(options: SamplingRulesOptions = {}) {
    this.state = options.state;
    this.arnPrefix = options.arnPrefix ?? LOCAL_ARN_PREFIX;
    this.maxRules = options.maxRules ?? 25;
    this.now = options.now ?? Date.now;
    const at = this.seconds();
    this.records.set(DEFAULT_RULE_NAME, { SamplingRule: defaultRule(this.arnPrefix), CreatedAt: at, ModifiedAt: at });
    this.lastModification = at;
    for (const [name, value] of this.state?.entries('rule') ?? []) {
      const record = value as SamplingRuleRecord;
      this.records.set(name, record);
      this.lastModification = Math.max(this.lastModification, record.ModifiedAt);
    }
  }

  private keep(record: SamplingRuleRecord): void {
    this.records.set(record.SamplingRule.RuleName, record);
    this.state?.put('rule', record.SamplingRule.RuleName, record);
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

  /** Whether a rule has this RuleARN (tags are kept by ARN). */
  hasArn(arn: string): boolean {
    for (const r of this.records.values()) if (r.SamplingRule.RuleARN === arn) return true;
    return false;
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
    this.keep(record);
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
    this.keep(record);
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
    this.state?.delete('rule', name);
    this.lastModification = this.seconds();
    return existing;
  }
}
