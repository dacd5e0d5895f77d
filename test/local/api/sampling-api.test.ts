import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  CreateSamplingRuleCommand,
  DeleteSamplingRuleCommand,
  GetSamplingRulesCommand,
  GetSamplingTargetsCommand,
  UpdateSamplingRuleCommand,
} from '@aws-sdk/client-xray';
import { type Harness, startApi } from './api-harness.js';

const cartRule = {
  RuleName: 'cart',
  ResourceARN: '*',
  Priority: 100,
  FixedRate: 0.2,
  ReservoirSize: 4,
  ServiceName: 'checkout',
  ServiceType: '*',
  Host: '*',
  HTTPMethod: 'GET',
  URLPath: '/cart/*',
  Version: 1,
};

describe('local sampling API with @aws-sdk/client-xray', () => {
  let h: Harness;
  before(async () => {
    h = await startApi({ rulesPerPage: 1 });
  });
  after(() => h.close());

  it('serves the Default rule in the shape SDKs accept', async () => {
    const out = await h.client.send(new GetSamplingRulesCommand({}));
    const rule = out.SamplingRuleRecords?.[0].SamplingRule;
    assert.equal(rule?.RuleName, 'Default');
    assert.equal(rule?.Version, 1);
    assert.equal(rule?.ResourceARN, '*');
    assert.deepEqual(rule?.Attributes, {});
    assert.equal(rule?.ReservoirSize, 1);
    assert.equal(rule?.FixedRate, 0.05);
    assert.ok(out.SamplingRuleRecords?.[0].ModifiedAt instanceof Date);
  });

  it('creates, lists (paged), updates and deletes a rule', async () => {
    const created = await h.client.send(new CreateSamplingRuleCommand({ SamplingRule: cartRule }));
    assert.match(created.SamplingRuleRecord?.SamplingRule?.RuleARN ?? '', /sampling-rule\/cart$/);

    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await h.client.send(new GetSamplingRulesCommand({ NextToken: token }));
      names.push(...(page.SamplingRuleRecords ?? []).map((r) => r.SamplingRule?.RuleName ?? ''));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(names, ['cart', 'Default']);

    const updated = await h.client.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'cart', FixedRate: 0.9 } }));
    assert.equal(updated.SamplingRuleRecord?.SamplingRule?.FixedRate, 0.9);

    const deleted = await h.client.send(new DeleteSamplingRuleCommand({ RuleName: 'cart' }));
    assert.equal(deleted.SamplingRuleRecord?.SamplingRule?.RuleName, 'cart');
    const after = await h.client.send(new GetSamplingRulesCommand({}));
    assert.deepEqual(after.SamplingRuleRecords?.map((r) => r.SamplingRule?.RuleName), ['Default']);
  });

  it('refuses a bad rule with InvalidRequestException naming the field', async () => {
    await assert.rejects(h.client.send(new CreateSamplingRuleCommand({ SamplingRule: { ...cartRule, Priority: 0 } })), {
      name: 'InvalidRequestException',
      message: 'SamplingRule.Priority must be >= 1',
    });
    await assert.rejects(h.client.send(new DeleteSamplingRuleCommand({ RuleName: 'Default' })), { name: 'InvalidRequestException' });
  });

  it('GetSamplingTargets shares the reservoir among clients and returns a numeric LastRuleModification', async () => {
    await h.client.send(new CreateSamplingRuleCommand({ SamplingRule: { ...cartRule, RuleName: 'shared', ReservoirSize: 3 } }));
    const report = (client: string) =>
      h.client.send(
        new GetSamplingTargetsCommand({
          SamplingStatisticsDocuments: [
            { RuleName: 'shared', ClientID: client, Timestamp: new Date(), RequestCount: 5, SampledCount: 1, BorrowCount: 0 },
            { RuleName: 'missing', ClientID: client, Timestamp: new Date(), RequestCount: 5, SampledCount: 1, BorrowCount: 0 },
          ],
        }),
      );
    const a = 'a'.repeat(24), b = 'b'.repeat(24);
    await report(a);
    const forB = await report(b);
    const forA = await report(a);
    const quota = (out: typeof forA) => out.SamplingTargetDocuments?.[0].ReservoirQuota ?? -1;
    assert.equal(quota(forA) + quota(forB), 3);
    assert.ok(forA.LastRuleModification instanceof Date);
    assert.equal(forA.SamplingTargetDocuments?.[0].Interval, 10);
    assert.equal(forA.UnprocessedStatistics?.[0].RuleName, 'missing');
  });
});

describe('request body deadline', () => {
  let h: Harness;
  before(async () => {
    h = await startApi({ bodyTimeoutMs: 100 });
  });
  after(() => h.close());

  it('answers 408 when the body does not arrive in time', async () => {
    const { port } = new URL(h.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.write('POST /TraceSummaries HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"Start');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    await new Promise<void>((resolve, reject) => {
      socket.on('close', () => resolve());
      socket.on('error', reject);
      setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref();
    });
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.match(answer, /RequestTimeoutException/);
  });
});
