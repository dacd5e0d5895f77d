/**
 * Every one of X-Ray's 38 operations through @aws-sdk/client-xray against the daemon process
 * (`--backend local`), with its error cases in X-Ray's error shapes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as X from '@aws-sdk/client-xray';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { clientFor, rejects, sendRequests } from '../helpers/local-xray.js';

let daemon: DaemonProcess;
let client: X.XRayClient;
const nowS = () => Date.now() / 1000;
const lastHour = () => ({ StartTime: new Date((nowS() - 3600) * 1000), EndTime: new Date((nowS() + 60) * 1000) });

before(async () => {
  daemon = await DaemonProcess.start(['--backend', 'local']);
  client = clientFor(daemon);
});
after(async () => {
  client.destroy();
  await daemon.stop();
});

const rule = (name: string, priority = 10): X.SamplingRule => ({
  RuleName: name, ResourceARN: '*', Priority: priority, FixedRate: 0.1, ReservoirSize: 2, ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1,
});

describe('traces and telemetry (the original eleven)', () => {
  test('PutTraceSegments, GetTraceSummaries, BatchGetTraces, GetServiceGraph, GetTraceGraph, PutTelemetryRecords', async () => {
    const [id] = await sendRequests(client, [{ service: 'ops-front', ms: 20, calls: 'ops-back' }]);
    const summaries = await client.send(new X.GetTraceSummariesCommand(lastHour()));
    assert.ok(summaries.TraceSummaries?.some((s) => s.Id === id));
    const traces = await client.send(new X.BatchGetTracesCommand({ TraceIds: [id] }));
    assert.equal(traces.Traces?.[0].Segments?.length, 2);
    const graph = await client.send(new X.GetServiceGraphCommand(lastHour()));
    assert.ok(graph.Services?.some((s) => s.Name === 'ops-back'));
    const traceGraph = await client.send(new X.GetTraceGraphCommand({ TraceIds: [id] }));
    assert.deepEqual(traceGraph.Services?.map((s) => s.Name).sort(), ['client', 'ops-back', 'ops-front']);
    await client.send(new X.PutTelemetryRecordsCommand({ TelemetryRecords: [{ Timestamp: new Date(), SegmentsReceivedCount: 1 }] }));

    await rejects(client.send(new X.PutTraceSegmentsCommand({} as X.PutTraceSegmentsRequest)), 'InvalidRequestException', 400);
    await rejects(client.send(new X.PutTelemetryRecordsCommand({} as X.PutTelemetryRecordsRequest)), 'InvalidRequestException');
    await rejects(client.send(new X.GetTraceSummariesCommand({ StartTime: new Date(2000), EndTime: new Date(1000) })), 'InvalidRequestException');
    await rejects(client.send(new X.BatchGetTracesCommand({} as X.BatchGetTracesRequest)), 'InvalidRequestException');
    await rejects(client.send(new X.GetServiceGraphCommand({ ...lastHour(), GroupName: 'no-such-group' })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTraceGraphCommand({} as X.GetTraceGraphRequest)), 'InvalidRequestException');
  });
});

describe('sampling', () => {
  test('rule CRUD with tags, targets, statistic summaries, and their errors', async () => {
    const created = await client.send(new X.CreateSamplingRuleCommand({ SamplingRule: rule('ops-rule'), Tags: [{ Key: 'team', Value: 'core' }] }));
    const arn = created.SamplingRuleRecord!.SamplingRule!.RuleARN!;
    assert.deepEqual((await client.send(new X.ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [{ Key: 'team', Value: 'core' }]);
    const rules = await client.send(new X.GetSamplingRulesCommand({}));
    assert.deepEqual(rules.SamplingRuleRecords?.map((r) => r.SamplingRule?.RuleName), ['ops-rule', 'Default']);
    const updated = await client.send(new X.UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'ops-rule', FixedRate: 0.5 } }));
    assert.equal(updated.SamplingRuleRecord?.SamplingRule?.FixedRate, 0.5);

    const at = new Date(Math.floor(nowS() / 10) * 10_000 + 1000);
    const doc = (client: string, requests: number, sampled: number, borrowed: number) => ({ RuleName: 'ops-rule', ClientID: client, Timestamp: at, RequestCount: requests, SampledCount: sampled, BorrowCount: borrowed });
    const targets = await client.send(new X.GetSamplingTargetsCommand({ SamplingStatisticsDocuments: [doc('a'.repeat(24), 10, 3, 1), doc('b'.repeat(24), 5, 2, 0)] }));
    assert.equal(targets.SamplingTargetDocuments?.[0].RuleName, 'ops-rule');
    const stats = await client.send(new X.GetSamplingStatisticSummariesCommand({}));
    assert.deepEqual(
      stats.SamplingStatisticSummaries?.map((s) => ({ ...s })),
      [{ RuleName: 'ops-rule', Timestamp: new Date(Math.floor(at.getTime() / 10_000) * 10_000), RequestCount: 15, SampledCount: 5, BorrowCount: 1 }],
    );

    await rejects(client.send(new X.CreateSamplingRuleCommand({ SamplingRule: rule('ops-rule') })), 'InvalidRequestException');
    await rejects(client.send(new X.CreateSamplingRuleCommand({ SamplingRule: { ...rule('ops-bad'), Priority: 0 } })), 'InvalidRequestException');
    await rejects(client.send(new X.CreateSamplingRuleCommand({ SamplingRule: rule('ops-aws'), Tags: [{ Key: 'aws:x', Value: 'y' }] })), 'InvalidRequestException');
    await rejects(client.send(new X.UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'nope', FixedRate: 0.5 } })), 'InvalidRequestException');
    await rejects(client.send(new X.DeleteSamplingRuleCommand({ RuleName: 'Default' })), 'InvalidRequestException');
    await rejects(client.send(new X.GetSamplingTargetsCommand({} as X.GetSamplingTargetsRequest)), 'InvalidRequestException');
    await rejects(client.send(new X.GetSamplingRulesCommand({ NextToken: 'garbage' })), 'InvalidRequestException');
    await rejects(client.send(new X.GetSamplingStatisticSummariesCommand({ NextToken: 'garbage' })), 'InvalidRequestException');

    for (let i = 0; i < 24; i++) await client.send(new X.CreateSamplingRuleCommand({ SamplingRule: rule(`fill-${i}`, 100 + i) }));
    await rejects(client.send(new X.CreateSamplingRuleCommand({ SamplingRule: rule('one-too-many') })), 'RuleLimitExceededException', 400);
    for (let i = 0; i < 24; i++) await client.send(new X.DeleteSamplingRuleCommand({ RuleName: `fill-${i}` }));

    const deleted = await client.send(new X.DeleteSamplingRuleCommand({ RuleARN: arn }));
    assert.equal(deleted.SamplingRuleRecord?.SamplingRule?.RuleName, 'ops-rule');
    await rejects(client.send(new X.ListTagsForResourceCommand({ ResourceARN: arn })), 'ResourceNotFoundException', 404);
  });
});

describe('groups', () => {
  test('CreateGroup, GetGroup, GetGroups, UpdateGroup, DeleteGroup and their errors', async () => {
    const groups0 = await client.send(new X.GetGroupsCommand({}));
    const def = groups0.Groups?.find((g) => g.GroupName === 'Default');
    assert.match(def?.GroupARN ?? '', /^arn:aws:xray:[^:]+:\d{12}:group\/Default$/);

    const { Group } = await client.send(new X.CreateGroupCommand({
      GroupName: 'ops-errors', FilterExpression: 'fault = true', InsightsConfiguration: { InsightsEnabled: true, NotificationsEnabled: true },
    }));
    assert.match(Group?.GroupARN ?? '', /^arn:aws:xray:[^:]+:\d{12}:group\/ops-errors\/[A-Z0-9]+$/);
    assert.deepEqual(Group?.InsightsConfiguration, { InsightsEnabled: true, NotificationsEnabled: true });
    assert.equal((await client.send(new X.GetGroupCommand({ GroupName: 'ops-errors' }))).Group?.GroupARN, Group?.GroupARN);
    assert.equal((await client.send(new X.GetGroupCommand({ GroupARN: Group?.GroupARN }))).Group?.FilterExpression, 'fault = true');
    const listed = await client.send(new X.GetGroupsCommand({}));
    assert.deepEqual(listed.Groups?.map((g) => g.GroupName), ['Default', 'ops-errors']);

    const upd = await client.send(new X.UpdateGroupCommand({ GroupName: 'ops-errors', FilterExpression: 'error = true', InsightsConfiguration: { InsightsEnabled: false, NotificationsEnabled: false } }));
    assert.equal(upd.Group?.FilterExpression, 'error = true');
    assert.equal(upd.Group?.InsightsConfiguration?.InsightsEnabled, false);

    const bad = await rejects(client.send(new X.CreateGroupCommand({ GroupName: 'ops-bad', FilterExpression: 'responsetime >' })), 'InvalidRequestException', 400);
    assert.match(bad, /position \d+/);
    await rejects(client.send(new X.UpdateGroupCommand({ GroupName: 'ops-errors', FilterExpression: 'service("x") {' })), 'InvalidRequestException');
    await rejects(client.send(new X.CreateGroupCommand({ GroupName: 'ops-errors' })), 'InvalidRequestException');
    await rejects(client.send(new X.CreateGroupCommand({ GroupName: 'Default' })), 'InvalidRequestException');
    await rejects(client.send(new X.CreateGroupCommand({ GroupName: 'x'.repeat(33) })), 'InvalidRequestException');
    await rejects(client.send(new X.CreateGroupCommand({ GroupName: 'ops-n', InsightsConfiguration: { NotificationsEnabled: true } })), 'InvalidRequestException');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejects(client.send(new X.CreateGroupCommand({ GroupName: 'ops-tags', Tags: many })), 'TooManyTagsException', 400);
    await rejects(client.send(new X.GetGroupCommand({ GroupName: 'nope' })), 'InvalidRequestException');
    await rejects(client.send(new X.GetGroupCommand({})), 'InvalidRequestException');
    await rejects(client.send(new X.GetGroupsCommand({ NextToken: 'garbage' })), 'InvalidRequestException');
    await rejects(client.send(new X.UpdateGroupCommand({ GroupName: 'Default', FilterExpression: 'ok' })), 'InvalidRequestException');
    await rejects(client.send(new X.DeleteGroupCommand({ GroupName: 'Default' })), 'InvalidRequestException');

    for (let i = 0; i < 24; i++) await client.send(new X.CreateGroupCommand({ GroupName: `fill-${i}` }));
    await rejects(client.send(new X.CreateGroupCommand({ GroupName: 'one-too-many' })), 'InvalidRequestException');
    for (let i = 0; i < 24; i++) await client.send(new X.DeleteGroupCommand({ GroupName: `fill-${i}` }));

    await client.send(new X.DeleteGroupCommand({ GroupARN: Group?.GroupARN }));
    await rejects(client.send(new X.DeleteGroupCommand({ GroupName: 'ops-errors' })), 'InvalidRequestException');
  });
});

describe('tags', () => {
  test('TagResource, UntagResource, ListTagsForResource, X-Ray limits and errors', async () => {
    const { Group } = await client.send(new X.CreateGroupCommand({ GroupName: 'ops-tagged', Tags: [{ Key: 'env', Value: 'dev' }] }));
    const arn = Group!.GroupARN!;
    await client.send(new X.TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'owner', Value: 'me@example.com' }, { Key: 'env', Value: 'test' }] }));
    const tags = await client.send(new X.ListTagsForResourceCommand({ ResourceARN: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'me@example.com' }]);
    await client.send(new X.UntagResourceCommand({ ResourceARN: arn, TagKeys: ['env'] }));
    assert.deepEqual((await client.send(new X.ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [{ Key: 'owner', Value: 'me@example.com' }]);

    const missing = 'arn:aws:xray:local:000000000000:group/none/ABC';
    const e = await rejects(client.send(new X.TagResourceCommand({ ResourceARN: missing, Tags: [{ Key: 'a', Value: 'b' }] })), 'ResourceNotFoundException', 404);
    assert.match(e, /none/);
    await rejects(client.send(new X.UntagResourceCommand({ ResourceARN: missing, TagKeys: ['a'] })), 'ResourceNotFoundException', 404);
    await rejects(client.send(new X.ListTagsForResourceCommand({ ResourceARN: missing })), 'ResourceNotFoundException', 404);
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejects(client.send(new X.TagResourceCommand({ ResourceARN: arn, Tags: fifty })), 'TooManyTagsException', 400);
    await rejects(client.send(new X.TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'aws:reserved', Value: 'x' }] })), 'InvalidRequestException');
    await rejects(client.send(new X.TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'k'.repeat(129), Value: 'x' }] })), 'InvalidRequestException');
    await rejects(client.send(new X.TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] })), 'InvalidRequestException');
    await rejects(client.send(new X.TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'bad#char', Value: 'x' }] })), 'InvalidRequestException');
    await rejects(client.send(new X.UntagResourceCommand({ ResourceARN: arn } as X.UntagResourceRequest)), 'InvalidRequestException');
    await client.send(new X.DeleteGroupCommand({ GroupName: 'ops-tagged' }));
    await rejects(client.send(new X.ListTagsForResourceCommand({ ResourceARN: arn })), 'ResourceNotFoundException', 404);
  });
});

describe('time series', () => {
  test('GetTimeSeriesServiceStatistics: service, edge and entry statistics; validation', async () => {
    const end = Math.floor(nowS() / 60) * 60 - 90;
    await sendRequests(client, [
      { service: 'ts-api', ms: 100, endS: end, calls: 'ts-db' },
      { service: 'ts-api', ms: 300, endS: end, outcome: 'fault', calls: 'ts-db' },
    ]);
    const window = { StartTime: new Date((end - 600) * 1000), EndTime: new Date((end + 600) * 1000) };
    const svc = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, EntitySelectorExpression: 'service("ts-api")' }));
    assert.equal(svc.TimeSeriesServiceStatistics?.length, 1);
    const s = svc.TimeSeriesServiceStatistics![0];
    assert.equal(s.Timestamp?.getTime(), Math.floor(end / 60) * 60_000);
    assert.equal(s.EdgeSummaryStatistics, undefined);
    assert.equal(s.ServiceSummaryStatistics?.TotalCount, 2);
    assert.equal(s.ServiceSummaryStatistics?.FaultStatistics?.TotalCount, 1);
    assert.equal(s.ServiceSummaryStatistics?.TotalResponseTime, 0.4);
    assert.deepEqual(s.ResponseTimeHistogram, [{ Value: 0.1, Count: 1 }, { Value: 0.3, Count: 1 }]);
    const edge = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, EntitySelectorExpression: 'edge("ts-api", "ts-db")', Period: 300 }));
    assert.equal(edge.TimeSeriesServiceStatistics?.[0].EdgeSummaryStatistics?.TotalCount, 2);
    assert.equal(edge.TimeSeriesServiceStatistics?.[0].Timestamp?.getTime(), Math.floor(end / 300) * 300_000);
    const byId = await client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, EntitySelectorExpression: 'id(name: "ts-db")', ForecastStatistics: true }));
    assert.equal(byId.TimeSeriesServiceStatistics?.[0].ServiceSummaryStatistics?.OkCount, 1);
    assert.deepEqual(byId.TimeSeriesServiceStatistics?.[0].ServiceForecastStatistics, { FaultCountHigh: 0, FaultCountLow: 0 });

    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, Period: 90 })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, Period: 30 })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, EntitySelectorExpression: 'service("x") {' })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, EntitySelectorExpression: 'fault = true' })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, ForecastStatistics: true })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({ ...window, GroupName: 'nope' })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({ StartTime: new Date(0), EndTime: new Date(90 * 86_400_000) })), 'InvalidRequestException');
    await rejects(client.send(new X.GetTimeSeriesServiceStatisticsCommand({} as X.GetTimeSeriesServiceStatisticsRequest)), 'InvalidRequestException');
  });
});

describe('account settings', () => {
  test('encryption config', async () => {
    assert.deepEqual((await client.send(new X.GetEncryptionConfigCommand({}))).EncryptionConfig, { Type: 'NONE', Status: 'ACTIVE' });
    const put = await client.send(new X.PutEncryptionConfigCommand({ Type: 'KMS', KeyId: 'alias/my-key' }));
    assert.deepEqual(put.EncryptionConfig, { Type: 'KMS', KeyId: 'alias/my-key', Status: 'ACTIVE' });
    assert.equal((await client.send(new X.GetEncryptionConfigCommand({}))).EncryptionConfig?.KeyId, 'alias/my-key');
    await rejects(client.send(new X.PutEncryptionConfigCommand({ Type: 'AES' as X.EncryptionType })), 'InvalidRequestException');
    await rejects(client.send(new X.PutEncryptionConfigCommand({ Type: 'KMS' })), 'InvalidRequestException');
    await rejects(client.send(new X.PutEncryptionConfigCommand({ Type: 'NONE', KeyId: 'alias/x' })), 'InvalidRequestException');
    await client.send(new X.PutEncryptionConfigCommand({ Type: 'NONE' }));
  });

  test('indexing rules and trace segment destination', async () => {
    const rules = await client.send(new X.GetIndexingRulesCommand({}));
    assert.equal(rules.IndexingRules?.[0].Name, 'Default');
    assert.equal(rules.IndexingRules?.[0].Rule?.Probabilistic?.DesiredSamplingPercentage, 1);
    const up = await client.send(new X.UpdateIndexingRuleCommand({ Name: 'Default', Rule: { Probabilistic: { DesiredSamplingPercentage: 25 } } }));
    assert.equal(up.IndexingRule?.Rule?.Probabilistic?.DesiredSamplingPercentage, 25);
    await rejects(client.send(new X.UpdateIndexingRuleCommand({ Name: 'nope', Rule: { Probabilistic: { DesiredSamplingPercentage: 5 } } })), 'ResourceNotFoundException', 404);
    await rejects(client.send(new X.UpdateIndexingRuleCommand({ Name: 'Default', Rule: { Probabilistic: { DesiredSamplingPercentage: 101 } } })), 'InvalidRequestException');
    await rejects(client.send(new X.UpdateIndexingRuleCommand({ Name: 'Default' } as X.UpdateIndexingRuleRequest)), 'InvalidRequestException');

    assert.deepEqual({ ...(await client.send(new X.GetTraceSegmentDestinationCommand({}))), $metadata: undefined }, { Destination: 'XRay', Status: 'ACTIVE', $metadata: undefined });
    const dest = await client.send(new X.UpdateTraceSegmentDestinationCommand({ Destination: 'CloudWatchLogs' }));
    assert.equal(dest.Destination, 'CloudWatchLogs');
    assert.equal((await client.send(new X.GetTraceSegmentDestinationCommand({}))).Destination, 'CloudWatchLogs');
    await rejects(client.send(new X.UpdateTraceSegmentDestinationCommand({ Destination: 'S3' as X.TraceSegmentDestination })), 'InvalidRequestException');
    await client.send(new X.UpdateTraceSegmentDestinationCommand({ Destination: 'XRay' }));
  });

  test('resource policies: revisions, malformed documents, size, count and lockout limits', async () => {
    const doc = (sid: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'xray:PutTraceSegments', Resource: '*' }] });
    const p1 = await client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-policy', PolicyDocument: doc('a'), PolicyRevisionId: '0' }));
    assert.equal(p1.ResourcePolicy?.PolicyRevisionId, '1');
    const p2 = await client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-policy', PolicyDocument: doc('b'), PolicyRevisionId: '1' }));
    assert.equal(p2.ResourcePolicy?.PolicyRevisionId, '2');
    const listed = await client.send(new X.ListResourcePoliciesCommand({}));
    assert.deepEqual(listed.ResourcePolicies?.map((p) => [p.PolicyName, p.PolicyRevisionId, p.PolicyDocument]), [['ops-policy', '2', doc('b')]]);

    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-policy', PolicyDocument: doc('c'), PolicyRevisionId: '1' })), 'InvalidPolicyRevisionIdException', 400);
    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-policy', PolicyDocument: doc('c'), PolicyRevisionId: '0' })), 'InvalidPolicyRevisionIdException', 400);
    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-p2', PolicyDocument: '{"Version":' })), 'MalformedPolicyDocumentException', 400);
    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-p2', PolicyDocument: '{"Version":"2012-10-17"}' })), 'MalformedPolicyDocumentException', 400);
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(5200), Effect: 'Allow', Action: '*', Principal: '*' }] });
    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-p2', PolicyDocument: big })), 'PolicySizeLimitExceededException', 400);
    const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'xray:PutResourcePolicy', Resource: '*' }] });
    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-p2', PolicyDocument: deny })), 'LockoutPreventionException', 400);
    await client.send(new X.PutResourcePolicyCommand({ PolicyName: 'ops-p2', PolicyDocument: deny, BypassPolicyLockoutCheck: true }));
    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'bad name!', PolicyDocument: doc('x') })), 'InvalidRequestException');
    for (let i = 0; i < 3; i++) await client.send(new X.PutResourcePolicyCommand({ PolicyName: `fill-${i}`, PolicyDocument: doc('f') }));
    await rejects(client.send(new X.PutResourcePolicyCommand({ PolicyName: 'one-too-many', PolicyDocument: doc('f') })), 'PolicyCountLimitExceededException', 400);

    await rejects(client.send(new X.DeleteResourcePolicyCommand({ PolicyName: 'ops-policy', PolicyRevisionId: '1' })), 'InvalidPolicyRevisionIdException', 400);
    await client.send(new X.DeleteResourcePolicyCommand({ PolicyName: 'ops-policy', PolicyRevisionId: '2' }));
    for (const name of ['ops-p2', 'fill-0', 'fill-1', 'fill-2']) await client.send(new X.DeleteResourcePolicyCommand({ PolicyName: name }));
    assert.deepEqual((await client.send(new X.ListResourcePoliciesCommand({}))).ResourcePolicies, []);
    await rejects(client.send(new X.DeleteResourcePolicyCommand({} as X.DeleteResourcePolicyRequest)), 'InvalidRequestException');
  });
});

describe('trace retrieval', () => {
  test('StartTraceRetrieval, ListRetrievedTraces, GetRetrievedTracesGraph, CancelTraceRetrieval', async () => {
    const ids = await sendRequests(client, [{ service: 'rt-front', ms: 10, calls: 'rt-back' }, { service: 'rt-front', ms: 12 }]);
    const { RetrievalToken } = await client.send(new X.StartTraceRetrievalCommand({ TraceIds: [...ids, '1-00000000-000000000000000000000000'], ...lastHour() }));
    assert.ok(RetrievalToken);
    const listed = await client.send(new X.ListRetrievedTracesCommand({ RetrievalToken, TraceFormat: 'XRAY' }));
    assert.equal(listed.RetrievalStatus, 'COMPLETE');
    assert.equal(listed.TraceFormat, 'XRAY');
    assert.deepEqual(listed.Traces?.map((t) => t.Id).sort(), [...ids].sort());
    const first = listed.Traces!.find((t) => t.Id === ids[0])!;
    assert.deepEqual(first.Spans?.map((s) => JSON.parse(s.Document!).name).sort(), ['rt-back', 'rt-front']);
    const otel = await client.send(new X.ListRetrievedTracesCommand({ RetrievalToken, TraceFormat: 'OTEL' }));
    assert.equal(otel.TraceFormat, 'OTEL');
    const otelFirst = otel.Traces!.find((t) => t.Id === ids[0])!;
    const spans = otelFirst.Spans!.map((s) => ({ id: s.Id, doc: JSON.parse(s.Document!) as Record<string, any> }));
    // rt-front's segment, its remote call subsegment, and rt-back's segment: OTLP JSON spans of one trace
    assert.deepEqual(spans.map((s) => s.doc.name).sort(), ['rt-back', 'rt-back', 'rt-front']);
    for (const s of spans) {
      assert.equal(s.doc.traceId, ids[0].slice(2).replace('-', ''));
      assert.equal(s.doc.spanId, s.id);
      assert.ok(Array.isArray(s.doc.resource.attributes));
    }
    const server = spans.find((s) => s.doc.name === 'rt-front')!.doc;
    assert.equal(server.kind, 2); // SPAN_KIND_SERVER
    const graph = await client.send(new X.GetRetrievedTracesGraphCommand({ RetrievalToken }));
    assert.equal(graph.RetrievalStatus, 'COMPLETE');
    assert.deepEqual(graph.Services?.map((s) => s.Service?.Name).sort(), ['client', 'rt-back', 'rt-front']);
    await client.send(new X.CancelTraceRetrievalCommand({ RetrievalToken }));
    const cancelled = await client.send(new X.ListRetrievedTracesCommand({ RetrievalToken }));
    assert.equal(cancelled.RetrievalStatus, 'CANCELLED');
    assert.deepEqual(cancelled.Traces, []);

    const unknown = 'f'.repeat(64);
    await rejects(client.send(new X.ListRetrievedTracesCommand({ RetrievalToken: unknown })), 'ResourceNotFoundException', 404);
    await rejects(client.send(new X.GetRetrievedTracesGraphCommand({ RetrievalToken: unknown })), 'ResourceNotFoundException', 404);
    await rejects(client.send(new X.CancelTraceRetrievalCommand({ RetrievalToken: unknown })), 'ResourceNotFoundException', 404);
    await rejects(client.send(new X.StartTraceRetrievalCommand({ ...lastHour() } as X.StartTraceRetrievalRequest)), 'InvalidRequestException');
    await rejects(client.send(new X.StartTraceRetrievalCommand({ TraceIds: Array(101).fill(ids[0]), ...lastHour() })), 'InvalidRequestException');
    await rejects(client.send(new X.ListRetrievedTracesCommand({ RetrievalToken, TraceFormat: 'JSON' as X.TraceFormatType })), 'InvalidRequestException');
  });
});

describe('insights', () => {
  test('GetInsightSummaries, GetInsight, GetInsightEvents, GetInsightImpactGraph: validation and unknown ids', async () => {
    const empty = await client.send(new X.GetInsightSummariesCommand({ GroupName: 'Default', ...lastHour() }));
    assert.deepEqual(empty.InsightSummaries, []);
    await rejects(client.send(new X.GetInsightSummariesCommand({ ...lastHour() })), 'InvalidRequestException');
    await rejects(client.send(new X.GetInsightSummariesCommand({ GroupName: 'nope', ...lastHour() })), 'InvalidRequestException');
    await rejects(client.send(new X.GetInsightSummariesCommand({ GroupName: 'Default', StartTime: new Date(Date.now() - 31 * 86_400_000), EndTime: new Date() })), 'InvalidRequestException');
    await rejects(client.send(new X.GetInsightSummariesCommand({ GroupName: 'Default', ...lastHour(), States: ['OPEN' as X.InsightState] })), 'InvalidRequestException');
    await rejects(client.send(new X.GetInsightSummariesCommand({ GroupName: 'Default', ...lastHour(), MaxResults: 101 })), 'InvalidRequestException');
    const unknown = '0b4a6f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
    await rejects(client.send(new X.GetInsightCommand({ InsightId: unknown })), 'InvalidRequestException', 400);
    await rejects(client.send(new X.GetInsightCommand({ InsightId: 'not-a-uuid' })), 'InvalidRequestException', 400);
    await rejects(client.send(new X.GetInsightEventsCommand({ InsightId: unknown })), 'InvalidRequestException');
    await rejects(client.send(new X.GetInsightImpactGraphCommand({ InsightId: unknown, ...lastHour() })), 'InvalidRequestException');
  });
});

describe('request guard', () => {
  const raw = (path: string, headers: Record<string, string>, body: string) =>
    new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: daemon.tcpPort, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['x-amzn-errortype'] as string | undefined }));
      });
      req.on('error', reject);
      req.end(body);
    });

  test('the new write operations are behind the Host/Origin guard of the TCP port', async () => {
    const writes: [string, object][] = [
      ['/CreateGroup', { GroupName: 'guarded' }],
      ['/TagResource', { ResourceARN: 'arn:aws:xray:local:000000000000:group/Default', Tags: [{ Key: 'a', Value: 'b' }] }],
      ['/PutEncryptionConfig', { Type: 'KMS', KeyId: 'alias/evil' }],
      ['/PutResourcePolicy', { PolicyName: 'evil', PolicyDocument: '{}' }],
      ['/UpdateTraceSegmentDestination', { Destination: 'CloudWatchLogs' }],
    ];
    for (const [path, body] of writes) {
      const cross = await raw(path, { origin: 'https://evil.example' }, JSON.stringify(body));
      assert.equal(cross.status, 403, `${path} from another origin`);
      const rebound = await raw(path, { host: `evil.example:${daemon.tcpPort}` }, JSON.stringify(body));
      assert.equal(rebound.status, 403, `${path} with a rebinding Host`);
    }
    assert.deepEqual((await client.send(new X.GetGroupsCommand({}))).Groups?.map((g) => g.GroupName).includes('guarded'), false);
    assert.equal((await client.send(new X.GetEncryptionConfigCommand({}))).EncryptionConfig?.Type, 'NONE');
    assert.deepEqual((await client.send(new X.ListTagsForResourceCommand({ ResourceARN: 'arn:aws:xray:local:000000000000:group/Default' }))).Tags, []);
  });
});
