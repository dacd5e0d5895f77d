import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Harness, post, startApi } from './api-harness.js';

const PATHS = [
  '/TraceSegments',
  '/TelemetryRecords',
  '/Traces',
  '/TraceSummaries',
  '/ServiceGraph',
  '/TraceGraph',
  '/GetSamplingRules',
  '/SamplingTargets',
  '/CreateSamplingRule',
  '/UpdateSamplingRule',
  '/DeleteSamplingRule',
  '/SamplingStatisticSummaries',
  '/CreateGroup', '/GetGroup', '/Groups', '/UpdateGroup', '/DeleteGroup',
  '/TagResource', '/UntagResource', '/ListTagsForResource',
  '/TimeSeriesServiceStatistics',
  '/EncryptionConfig', '/PutEncryptionConfig', '/GetIndexingRules', '/UpdateIndexingRule',
  '/GetTraceSegmentDestination', '/UpdateTraceSegmentDestination',
  '/PutResourcePolicy', '/ListResourcePolicies', '/DeleteResourcePolicy',
  '/StartTraceRetrieval', '/ListRetrievedTraces', '/GetRetrievedTracesGraph', '/CancelTraceRetrieval',
  '/InsightSummaries', '/Insight', '/InsightEvents', '/InsightImpactGraph',
];

const FIELDS = [
  'TraceSegmentDocuments', 'TelemetryRecords', 'TraceIds', 'StartTime', 'EndTime', 'TimeRangeType', 'FilterExpression',
  'NextToken', 'SamplingRule', 'SamplingRuleUpdate', 'RuleName', 'RuleARN', 'SamplingStatisticsDocuments', 'SamplingStrategy',
  'GroupName', 'GroupARN', 'InsightsConfiguration', 'Tags', 'TagKeys', 'ResourceARN', 'EntitySelectorExpression', 'Period',
  'ForecastStatistics', 'Type', 'KeyId', 'Name', 'Rule', 'Destination', 'PolicyName', 'PolicyDocument', 'PolicyRevisionId',
  'BypassPolicyLockoutCheck', 'RetrievalToken', 'TraceFormat', 'States', 'MaxResults', 'InsightId',
];

/** Bodies that look like requests: the real field names with arbitrary JSON values. */
const body = fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });

describe('local X-Ray API under arbitrary request bodies', () => {
  let h: Harness;
  before(async () => {
    h = await startApi();
  });
  after(() => h.close());

  it('answers 200 or 4xx in X-Ray error shape, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), body, async (path, b) => {
        const r = await post(h.url, path, JSON.stringify(b));
        if (r.status === 200) return;
        assert.ok(r.status >= 400 && r.status < 500, `${path} ${JSON.stringify(b)} -> ${r.status} ${JSON.stringify(r.json)}`);
        assert.equal(r.json.__type, r.type);
        assert.equal(typeof r.json.Message, 'string');
      }),
      { numRuns: 1500 },
    );
  });

  it('stores documents whose optional fields have odd types, and every read operation still answers', async () => {
    const tid = '1-65000000-0000000000000000000000f1';
    const odd = [
      { name: 'a', id: '00000000000000a1', trace_id: tid, start_time: 1, end_time: 2, subsegments: [null, 5, { name: 3 }], http: 'x', annotations: [1], aws: 5, cause: { exceptions: 'no' }, metadata: 3, user: 7, fault: 'yes' },
      { name: 'b', id: '00000000000000a2', trace_id: tid, start_time: 1, end_time: 2, type: 'subsegment', parent_id: '00000000000000a1', http: { request: 'q', response: { status: 'abc' } } },
      { name: 'c', id: '00000000000000a3', trace_id: tid, start_time: 3, end_time: 1, subsegments: [{ id: '00000000000000a4', name: 'd', start_time: 'x', namespace: 'aws', aws: { table_name: 5 } }] },
    ];
    const put = await post(h.url, '/TraceSegments', JSON.stringify({ TraceSegmentDocuments: odd.map((d) => JSON.stringify(d)) }));
    assert.deepEqual(put.json, { UnprocessedTraceSegments: [] });
    const window = { StartTime: 0, EndTime: 2e9 };
    const reads: [string, object][] = [
      ['/TraceSummaries', window],
      ['/TraceSummaries', { ...window, TimeRangeType: 'Event', FilterExpression: 'service("a") { fault } OR http.status = 200 OR annotation.k = 1 OR user = "x"' }],
      ['/Traces', { TraceIds: [tid] }],
      ['/ServiceGraph', window],
      ['/TraceGraph', { TraceIds: [tid] }],
      ['/TimeSeriesServiceStatistics', { StartTime: 0, EndTime: 3600 }],
      ['/TimeSeriesServiceStatistics', { StartTime: 0, EndTime: 3600, EntitySelectorExpression: 'service("a")', Period: 3600 }],
    ];
    for (const [path, b] of reads) {
      const r = await post(h.url, path, JSON.stringify(b));
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.json)}`);
    }
  });
});
