/**
 * What real tools do against the local X-Ray API, through @aws-sdk/client-xray against the daemon
 * process: infrastructure code (create with tags -> read -> update -> delete), a Grafana-style
 * dashboard (groups -> time series -> grouped service graph -> insights), an insight opened by a
 * fault burst and closed on recovery, and everything surviving a restart with the same store path.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as X from '@aws-sdk/client-xray';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { clientFor, rejects, sendRequests, type RequestSpec } from '../helpers/local-xray.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-api-flows-'));
const daemons: DaemonProcess[] = [];
after(async () => {
  for (const d of daemons) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<{ daemon: DaemonProcess; client: X.XRayClient }> {
  const daemon = await DaemonProcess.start(['--backend', 'local', ...args]);
  daemons.push(daemon);
  return { daemon, client: clientFor(daemon) };
}

const window = (fromS: number, toS: number) => ({ StartTime: new Date(fromS * 1000), EndTime: new Date(toS * 1000) });
const tags = (list: X.Tag[] | undefined) => Object.fromEntries((list ?? []).map((t) => [t.Key, t.Value]));

test('infrastructure code: groups, sampling rules, encryption config and a resource policy, created with tags, read, updated, deleted', async () => {
  const { client } = await start([]);
  try {
    // aws_xray_group
    const created = await client.send(new X.CreateGroupCommand({
      GroupName: 'tf-group', FilterExpression: 'service("tf-api")', InsightsConfiguration: { InsightsEnabled: true }, Tags: [{ Key: 'Environment', Value: 'dev' }],
    }));
    const arn = created.Group!.GroupARN!;
    const read = await client.send(new X.GetGroupCommand({ GroupARN: arn }));
    assert.deepEqual(read.Group, { GroupName: 'tf-group', GroupARN: arn, FilterExpression: 'service("tf-api")', InsightsConfiguration: { InsightsEnabled: true, NotificationsEnabled: false } });
    assert.deepEqual(tags((await client.send(new X.ListTagsForResourceCommand({ ResourceARN: arn }))).Tags), { Environment: 'dev' });
    await client.send(new X.UpdateGroupCommand({ GroupARN: arn, FilterExpression: 'service("tf-api") AND fault' }));
    await client.send(new X.TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'Environment', Value: 'prod' }, { Key: 'Team', Value: 'obs' }] }));
    await client.send(new X.UntagResourceCommand({ ResourceARN: arn, TagKeys: ['Team'] }));
    assert.equal((await client.send(new X.GetGroupCommand({ GroupName: 'tf-group' }))).Group?.FilterExpression, 'service("tf-api") AND fault');
    assert.deepEqual(tags((await client.send(new X.ListTagsForResourceCommand({ ResourceARN: arn }))).Tags), { Environment: 'prod' });
    await client.send(new X.DeleteGroupCommand({ GroupARN: arn }));
    await rejects(client.send(new X.GetGroupCommand({ GroupARN: arn })), 'InvalidRequestException');

    // aws_xray_sampling_rule
    const rule: X.SamplingRule = { RuleName: 'tf-rule', ResourceARN: '*', Priority: 9000, FixedRate: 0.05, ReservoirSize: 1, ServiceName: 'tf-api', ServiceType: '*', Host: '*', HTTPMethod: 'GET', URLPath: '/health', Version: 1, Attributes: { tier: 'web' } };
    const r = await client.send(new X.CreateSamplingRuleCommand({ SamplingRule: rule, Tags: [{ Key: 'Owner', Value: 'team-a' }] }));
    const ruleArn = r.SamplingRuleRecord!.SamplingRule!.RuleARN!;
    const rules = await client.send(new X.GetSamplingRulesCommand({}));
    assert.deepEqual(rules.SamplingRuleRecords?.find((x) => x.SamplingRule?.RuleName === 'tf-rule')?.SamplingRule, { ...rule, RuleARN: ruleArn });
    await client.send(new X.UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleARN: ruleArn, FixedRate: 0.2, URLPath: '/ready' } }));
    const after = (await client.send(new X.GetSamplingRulesCommand({}))).SamplingRuleRecords?.find((x) => x.SamplingRule?.RuleName === 'tf-rule');
    assert.equal(after?.SamplingRule?.FixedRate, 0.2);
    assert.equal(after?.SamplingRule?.URLPath, '/ready');
    assert.deepEqual(tags((await client.send(new X.ListTagsForResourceCommand({ ResourceARN: ruleArn }))).Tags), { Owner: 'team-a' });
    await client.send(new X.DeleteSamplingRuleCommand({ RuleARN: ruleArn }));
    assert.deepEqual((await client.send(new X.GetSamplingRulesCommand({}))).SamplingRuleRecords?.map((x) => x.SamplingRule?.RuleName), ['Default']);

    // aws_xray_encryption_config
    await client.send(new X.PutEncryptionConfigCommand({ Type: 'KMS', KeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc' }));
    assert.deepEqual((await client.send(new X.GetEncryptionConfigCommand({}))).EncryptionConfig, { Type: 'KMS', KeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc', Status: 'ACTIVE' });
    await client.send(new X.PutEncryptionConfigCommand({ Type: 'NONE' }));
    assert.deepEqual((await client.send(new X.GetEncryptionConfigCommand({}))).EncryptionConfig, { Type: 'NONE', Status: 'ACTIVE' });

    // aws_xray_resource_policy
    const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: action, Resource: '*' }] });
    const p = await client.send(new X.PutResourcePolicyCommand({ PolicyName: 'tf-policy', PolicyDocument: doc('xray:PutTraceSegments') }));
    const listed = await client.send(new X.ListResourcePoliciesCommand({}));
    assert.equal(listed.ResourcePolicies?.[0].PolicyDocument, doc('xray:PutTraceSegments'));
    const p2 = await client.send(new X.PutResourcePolicyCommand({ PolicyName: 'tf-policy', PolicyDocument: doc('xray:*'), PolicyRevisionId: p.ResourcePolicy?.PolicyRevisionId }));
    assert.equal(p2.ResourcePolicy?.PolicyRevisionId, '2');
    await client.send(new X.DeleteResourcePolicyCommand({ PolicyName: 'tf-policy', PolicyRevisionId: '2' }));
    assert.deepEqual((await client.send(new X.ListResourcePoliciesCommand({}))).ResourcePolicies, []);
  } finally {
    client.destroy();
  }
});

test('Grafana: groups -> time series for a group and a service (totals equal the traffic sent) -> grouped service graph -> insights', async () => {
  const { client } = await start([]);
  try {
    const minute = Math.floor(Date.now() / 60_000) * 60 - 120; // a whole minute two minutes ago
    const at = (i: number) => minute + 5 + (i % 50);
    const specs: RequestSpec[] = [];
    const plan = { ok: 7, error: 3, throttle: 2, fault: 4 } as const;
    let totalMs = 0;
    let i = 0;
    for (const [outcome, n] of Object.entries(plan) as [keyof typeof plan, number][]) {
      for (let k = 0; k < n; k++, i++) {
        const ms = 10 + i * 7;
        totalMs += ms;
        specs.push({ service: 'gf-checkout', outcome, ms, endS: at(i), calls: 'gf-payments', annotations: { team: 'checkout' } });
      }
    }
    // Traffic outside the group.
    for (let k = 0; k < 5; k++) specs.push({ service: 'gf-other', outcome: 'fault', ms: 50, endS: at(k), annotations: { team: 'other' } });
    await client.send(new X.CreateGroupCommand({ GroupName: 'checkout', FilterExpression: 'annotation.team = "checkout"' }));
    await sendRequests(client, specs);

    const groups = await client.send(new X.GetGroupsCommand({}));
    const group = groups.Groups!.find((g) => g.GroupName === 'checkout')!;
    const range = window(minute - 3600, minute + 600);

    const expected = {
      OkCount: plan.ok,
      ErrorStatistics: { ThrottleCount: plan.throttle, OtherCount: plan.error, TotalCount: plan.error + plan.throttle },
      FaultStatistics: { OtherCount: plan.fault, TotalCount: plan.fault },
      TotalCount: 16,
      TotalResponseTime: totalMs / 1000,
    };
    const forGroup = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...range, GroupARN: group.GroupARN, Period: 60 }));
    assert.equal(forGroup.TimeSeriesServiceStatistics?.length, 1);
    assert.equal(forGroup.TimeSeriesServiceStatistics?.[0].Timestamp?.getTime(), minute * 1000);
    assert.deepEqual(forGroup.TimeSeriesServiceStatistics?.[0].EdgeSummaryStatistics, expected);
    const histogramCount = forGroup.TimeSeriesServiceStatistics![0].ResponseTimeHistogram!.reduce((n, h) => n + (h.Count ?? 0), 0);
    assert.equal(histogramCount, 16);

    const forService = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...range, EntitySelectorExpression: 'service("gf-checkout")', Period: 300 }));
    assert.deepEqual(forService.TimeSeriesServiceStatistics?.[0].ServiceSummaryStatistics, expected);
    const inGroup = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...range, GroupName: 'checkout', EntitySelectorExpression: 'service("gf-other")' }));
    assert.deepEqual(inGroup.TimeSeriesServiceStatistics, []);
    const all = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...range }));
    assert.equal(all.TimeSeriesServiceStatistics?.[0].EdgeSummaryStatistics?.TotalCount, 21);

    const graph = await client.send(new X.GetServiceGraphCommand({ ...range, GroupName: 'checkout' }));
    assert.deepEqual(graph.Services?.map((s) => s.Name).sort(), ['client', 'gf-checkout', 'gf-payments']);
    const checkout = graph.Services!.find((s) => s.Name === 'gf-checkout')!;
    assert.equal(checkout.SummaryStatistics?.TotalCount, 16);
    const everything = await client.send(new X.GetServiceGraphCommand({ ...range }));
    assert.ok(everything.Services?.some((s) => s.Name === 'gf-other'));

    const insights = await client.send(new X.GetInsightSummariesCommand({ GroupARN: group.GroupARN, ...window(Date.now() / 1000 - 3600, Date.now() / 1000) }));
    assert.deepEqual(insights.InsightSummaries, []);
  } finally {
    client.destroy();
  }
});

test('a fault burst opens an insight naming the root cause; recovery closes it; everything survives a restart', async () => {
  const config = path.join(dir, 'insights.yaml');
  writeFileSync(config, 'Version: 2\nInsightsIntervalMs: 200\n');
  const storePath = path.join(dir, 'api-state.log');
  const first = await start(['-c', config, '--store-path', storePath]);
  const { client, daemon } = first;
  let insightId: string;
  let groupArn: string;
  let ruleArn: string;
  try {
    const g = await client.send(new X.CreateGroupCommand({
      GroupName: 'shop', FilterExpression: 'service("in-web")', InsightsConfiguration: { InsightsEnabled: true, NotificationsEnabled: true }, Tags: [{ Key: 'app', Value: 'shop' }],
    }));
    groupArn = g.Group!.GroupARN!;
    // 12 requests of in-web fail because in-db faults: in-db is the root cause.
    const burst: RequestSpec[] = Array.from({ length: 12 }, () => ({ service: 'in-web', outcome: 'fault', ms: 30, calls: 'in-db' }));
    await sendRequests(client, burst);
    const opened = await daemon.waitForLog((l) => l.msg === 'insight opened', 15_000);
    assert.equal(opened.group, 'shop');
    const active = await client.send(new X.GetInsightSummariesCommand({ GroupName: 'shop', States: ['ACTIVE'], ...window(Date.now() / 1000 - 600, Date.now() / 1000 + 60) }));
    assert.equal(active.InsightSummaries?.length, 1);
    const s = active.InsightSummaries![0];
    insightId = s.InsightId!;
    assert.equal(s.State, 'ACTIVE');
    assert.equal(s.GroupARN, groupArn);
    assert.equal(s.RootCauseServiceId?.Name, 'in-db');
    assert.deepEqual(s.Categories, ['FAULT']);
    assert.deepEqual(s.ClientRequestImpactStatistics, { FaultCount: 12, OkCount: 0, TotalCount: 12 });
    assert.deepEqual(s.RootCauseServiceRequestImpactStatistics, { FaultCount: 12, OkCount: 0, TotalCount: 12 });
    assert.deepEqual(s.TopAnomalousServices?.map((a) => a.ServiceId?.Name).sort(), ['in-db', 'in-web']);

    // Recovery: healthy traffic brings the fault rate under 50%.
    await sendRequests(client, Array.from({ length: 20 }, () => ({ service: 'in-web', ms: 20, calls: 'in-db' })));
    await daemon.waitForLog((l) => l.msg === 'insight closed' && l.insightId === insightId, 15_000);
    const closed = await client.send(new X.GetInsightCommand({ InsightId: insightId }));
    assert.equal(closed.Insight?.State, 'CLOSED');
    assert.ok(closed.Insight?.EndTime);
    const events = await client.send(new X.GetInsightEventsCommand({ InsightId: insightId, MaxResults: 50 }));
    assert.ok((events.InsightEvents?.length ?? 0) >= 2);
    assert.match(events.InsightEvents![0].Summary ?? '', /recovered/);
    const impact = await client.send(new X.GetInsightImpactGraphCommand({ InsightId: insightId, ...window(Date.now() / 1000 - 600, Date.now() / 1000 + 60) }));
    assert.deepEqual(impact.Services?.map((x) => x.Name).sort(), ['client', 'in-db', 'in-web']);
    assert.ok(impact.Services?.find((x) => x.Name === 'in-web')?.Edges?.length);

    // The rest of the state a restart must keep.
    const rule = await client.send(new X.CreateSamplingRuleCommand({
      SamplingRule: { RuleName: 'keep-me', ResourceARN: '*', Priority: 5, FixedRate: 0.3, ReservoirSize: 3, ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1 },
      Tags: [{ Key: 'k', Value: 'v' }],
    }));
    ruleArn = rule.SamplingRuleRecord!.SamplingRule!.RuleARN!;
    await client.send(new X.PutEncryptionConfigCommand({ Type: 'KMS', KeyId: 'alias/keep' }));
    await client.send(new X.UpdateIndexingRuleCommand({ Name: 'Default', Rule: { Probabilistic: { DesiredSamplingPercentage: 42 } } }));
    await client.send(new X.UpdateTraceSegmentDestinationCommand({ Destination: 'CloudWatchLogs' }));
    await client.send(new X.PutResourcePolicyCommand({ PolicyName: 'keep-policy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'xray:GetTraceSummaries', Resource: '*' }] }) }));
    await client.send(new X.UpdateGroupCommand({ GroupName: 'Default', InsightsConfiguration: { InsightsEnabled: true } }));
  } finally {
    client.destroy();
  }
  const seriesBefore = await timeSeriesOf(first.client = clientFor(daemon));
  first.client.destroy();
  await daemon.stop();

  const second = await start(['-c', config, '--store-path', storePath]);
  const again = second.client;
  try {
    const groups = await again.send(new X.GetGroupsCommand({}));
    assert.deepEqual(groups.Groups?.map((g) => [g.GroupName, g.InsightsConfiguration?.InsightsEnabled]), [['Default', true], ['shop', true]]);
    assert.equal(groups.Groups?.[1].GroupARN, groupArn);
    assert.equal(groups.Groups?.[1].FilterExpression, 'service("in-web")');
    assert.deepEqual(tags((await again.send(new X.ListTagsForResourceCommand({ ResourceARN: groupArn }))).Tags), { app: 'shop' });
    assert.deepEqual(tags((await again.send(new X.ListTagsForResourceCommand({ ResourceARN: ruleArn }))).Tags), { k: 'v' });
    const rules = await again.send(new X.GetSamplingRulesCommand({}));
    assert.equal(rules.SamplingRuleRecords?.find((r) => r.SamplingRule?.RuleName === 'keep-me')?.SamplingRule?.FixedRate, 0.3);
    assert.equal((await again.send(new X.GetEncryptionConfigCommand({}))).EncryptionConfig?.KeyId, 'alias/keep');
    assert.equal((await again.send(new X.GetIndexingRulesCommand({}))).IndexingRules?.[0].Rule?.Probabilistic?.DesiredSamplingPercentage, 42);
    assert.equal((await again.send(new X.GetTraceSegmentDestinationCommand({}))).Destination, 'CloudWatchLogs');
    assert.deepEqual((await again.send(new X.ListResourcePoliciesCommand({}))).ResourcePolicies?.map((p) => p.PolicyName), ['keep-policy']);
    const insight = await again.send(new X.GetInsightCommand({ InsightId: insightId }));
    assert.equal(insight.Insight?.State, 'CLOSED');
    assert.equal(insight.Insight?.RootCauseServiceId?.Name, 'in-db');
    assert.deepEqual(await timeSeriesOf(again), seriesBefore);
  } finally {
    again.destroy();
  }
});

async function timeSeriesOf(client: X.XRayClient): Promise<unknown> {
  const now = Date.now() / 1000;
  const out = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window(now - 3600, now + 60), GroupName: 'shop', EntitySelectorExpression: 'service("in-db")' }));
  const total = (out.TimeSeriesServiceStatistics ?? []).reduce((n, e) => n + (e.ServiceSummaryStatistics?.TotalCount ?? 0), 0);
  assert.equal(total, 32);
  return out.TimeSeriesServiceStatistics;
}
