import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SamplingRules } from '../../../src/local/sampling/sampling-rules.js';
import { SamplingTargets } from '../../../src/local/sampling/sampling-targets.js';
import { XrayApiError } from '../../../src/local/api/xray-api-error.js';

const rule = (name: string, extra: Record<string, unknown> = {}) => ({
  RuleName: name,
  ResourceARN: '*',
  Priority: 100,
  FixedRate: 0.2,
  ReservoirSize: 5,
  ServiceName: 'checkout',
  ServiceType: '*',
  Host: '*',
  HTTPMethod: 'GET',
  URLPath: '/cart/*',
  Version: 1,
  ...extra,
});

function clock(startMs = 1_700_000_000_000) {
  let t = startMs;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const stat = (RuleName: string, ClientID: string) => ({ RuleName, ClientID, Timestamp: 1_700_000_000, RequestCount: 10, SampledCount: 1, BorrowCount: 0 });
const client = (n: number) => n.toString(16).padStart(24, '0');

function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof XrayApiError);
    return `${err.type}: ${err.message}`;
  }
  assert.fail('expected an error');
}

describe('SamplingRules', () => {
  it('starts with a Default rule in the shape SDKs keep', () => {
    const [only] = new SamplingRules().list();
    assert.equal(only.SamplingRule.RuleName, 'Default');
    assert.equal(only.SamplingRule.Version, 1);
    assert.equal(only.SamplingRule.ResourceARN, '*');
    assert.deepEqual(only.SamplingRule.Attributes, {});
    assert.equal(only.SamplingRule.ReservoirSize, 1);
    assert.equal(only.SamplingRule.FixedRate, 0.05);
  });

  it('creates, updates and deletes rules, moving LastRuleModification', () => {
    const c = clock();
    const rules = new SamplingRules({ now: c.now });
    const created = rules.create(rule('cart'));
    assert.match(created.SamplingRule.RuleARN, /sampling-rule\/cart$/);
    assert.deepEqual(rules.list().map((r) => r.SamplingRule.RuleName), ['cart', 'Default']);
    c.advance(5000);
    const updated = rules.update({ RuleARN: created.SamplingRule.RuleARN, FixedRate: 0.5 });
    assert.equal(updated.SamplingRule.FixedRate, 0.5);
    assert.equal(updated.SamplingRule.HTTPMethod, 'GET');
    assert.equal(rules.lastModified, 1_700_000_005);
    c.advance(5000);
    rules.delete({ RuleName: 'cart' });
    assert.equal(rules.lastModified, 1_700_000_010);
    assert.deepEqual(rules.list().map((r) => r.SamplingRule.RuleName), ['Default']);
  });

  it('refuses bad rules with a message naming the field', () => {
    const rules = new SamplingRules();
    assert.match(invalidMessage(() => rules.create(rule('x', { FixedRate: 2 }))), /InvalidRequestException: SamplingRule.FixedRate must be <= 1/);
    assert.match(invalidMessage(() => rules.create(rule('x', { Host: undefined }))), /SamplingRule.Host is required/);
    assert.match(invalidMessage(() => rules.create(rule('x'.repeat(33)))), /SamplingRule.RuleName/);
    rules.create(rule('dup'));
    assert.match(invalidMessage(() => rules.create(rule('dup'))), /already exists/);
    assert.match(invalidMessage(() => rules.delete({ RuleName: 'Default' })), /cannot be deleted/);
    assert.match(invalidMessage(() => rules.delete({ RuleName: 'nope' })), /no sampling rule named "nope"/);
    assert.match(invalidMessage(() => rules.update({ RuleName: 'Default', ServiceName: 'x' })), /Default rule/);
  });

  it('validates the rule name inside a RuleARN like a RuleName', () => {
    const rules = new SamplingRules();
    const arn = (name: string) => `arn:aws:xray:us-east-1:000000000000:sampling-rule/${name}`;
    const { RuleName: _ignored, ...withoutName } = rule('unused');
    assert.match(invalidMessage(() => rules.create({ ...withoutName, RuleARN: arn('x'.repeat(33)) })), /SamplingRule.RuleARN: the rule name in it must be 1 to 32 characters, got 33/);
    assert.match(invalidMessage(() => rules.create({ ...withoutName, RuleARN: arn('') })), /SamplingRule.RuleARN: the rule name in it must be 1 to 32 characters, got 0/);
    assert.match(invalidMessage(() => rules.delete({ RuleARN: 'sampling-rule/cart' })), /RuleARN is not a sampling rule ARN/);
    assert.match(invalidMessage(() => rules.update({ RuleARN: arn('y'.repeat(40)), FixedRate: 0.5 })), /RuleARN: the rule name in it must be 1 to 32/);
    assert.equal(rules.list().length, 1, 'nothing was created');
    assert.equal(rules.create({ ...withoutName, RuleARN: arn('cart') }).SamplingRule.RuleName, 'cart');
  });

  it('caps the number of rules', () => {
    const rules = new SamplingRules({ maxRules: 1 });
    rules.create(rule('one'));
    assert.match(invalidMessage(() => rules.create(rule('two'))), /RuleLimitExceededException/);
  });
});

describe('SamplingTargets', () => {
  it('shares a rule reservoir among the clients reporting for it', () => {
    const c = clock();
    const rules = new SamplingRules({ now: c.now });
    rules.create(rule('cart', { ReservoirSize: 5 }));
    const targets = new SamplingTargets(rules);
    const quota = (id: number) => targets.report([stat('cart', client(id))]).SamplingTargetDocuments[0].ReservoirQuota;
    assert.equal(quota(1), 5);
    const shares = [quota(2), quota(1), quota(2)];
    assert.deepEqual(shares.slice(1), [3, 2]);
    quota(3);
    const three = [quota(1), quota(2), quota(3)];
    assert.equal(three.reduce((a, b) => a + b, 0), 5);
    // A client that stops reporting stops counting.
    c.advance(60_000);
    assert.equal(quota(1), 5);
  });

  it('answers with the rule rate, a TTL, an interval and a numeric LastRuleModification', () => {
    const c = clock();
    const rules = new SamplingRules({ now: c.now });
    const out = new SamplingTargets(rules).report([stat('Default', client(1))]);
    assert.deepEqual(out.SamplingTargetDocuments, [
      { RuleName: 'Default', FixedRate: 0.05, ReservoirQuota: 1, ReservoirQuotaTTL: 1_700_000_020, Interval: 10 },
    ]);
    assert.equal(typeof out.LastRuleModification, 'number');
  });

  it('lists statistics of unknown rules as unprocessed', () => {
    const out = new SamplingTargets(new SamplingRules()).report([stat('gone', client(1))]);
    assert.deepEqual(out.SamplingTargetDocuments, []);
    assert.equal(out.UnprocessedStatistics[0].RuleName, 'gone');
  });

  it('names a bad field of a statistics document', () => {
    const targets = new SamplingTargets(new SamplingRules());
    assert.match(invalidMessage(() => targets.report([{ ...stat('Default', 'short') }])), /SamplingStatisticsDocuments\[0\].ClientID/);
    assert.match(invalidMessage(() => targets.report([{ ...stat('Default', client(1)), RequestCount: -1 }])), /RequestCount must be >= 0/);
  });
});
