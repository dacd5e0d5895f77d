import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeTrace } from '../../../src/local/reads/trace-summary.js';
import type { SegmentDocument, TraceView } from '../../../src/local/trace-view.js';
import { BACKEND_ID, CARTS_ID, FRONT_END_ID, PAYMENTS_ID, T, TRACE_ID, multiServiceTrace } from './multi-service-trace.js';
import { readCorpusSegment } from '../../helpers/corpus.js';

test('summary of a multi-service trace: timing, flags, http and the entry point come from the root segment', () => {
  const s = summarizeTrace(multiServiceTrace());
  assert.equal(s.Id, TRACE_ID);
  assert.equal(s.StartTime, T);
  assert.equal(s.Duration, 0.5);
  assert.equal(s.ResponseTime, 0.5);
  assert.equal(s.HasFault, true);
  assert.equal(s.HasError, true);
  assert.equal(s.HasThrottle, true);
  assert.equal(s.IsPartial, false);
  assert.deepStrictEqual(s.Http, {
    HttpURL: 'https://shop.example.com/cart',
    HttpStatus: 500,
    HttpMethod: 'GET',
    UserAgent: 'curl/8.4',
    ClientIp: '203.0.113.7',
  });
  assert.deepStrictEqual(s.EntryPoint, FRONT_END_ID);
  assert.equal(s.Revision, 3);
  assert.equal(s.MatchedEventTime, T);
});

test('summary lists services in arrival order, then the inferred services they called', () => {
  const s = summarizeTrace(multiServiceTrace());
  assert.deepStrictEqual(s.ServiceIds, [BACKEND_ID, FRONT_END_ID, PAYMENTS_ID, CARTS_ID]);
  assert.deepStrictEqual(s.ResourceARNs, [{ ARN: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc123' }]);
  assert.deepStrictEqual(s.InstanceIds, [{ Id: 'i-0abc123' }]);
  assert.deepStrictEqual(s.AvailabilityZones, [{ Name: 'eu-west-1a' }]);
});

test('annotations of all three types and users carry the services that recorded them', () => {
  const s = summarizeTrace(multiServiceTrace());
  assert.deepStrictEqual(s.Annotations, {
    cart_size: [{ AnnotationValue: { NumberValue: 3 }, ServiceIds: [BACKEND_ID, FRONT_END_ID] }],
    region: [{ AnnotationValue: { StringValue: 'eu' }, ServiceIds: [BACKEND_ID] }],
    premium: [{ AnnotationValue: { BooleanValue: true }, ServiceIds: [FRONT_END_ID] }],
    template: [{ AnnotationValue: { StringValue: 'cart.html' }, ServiceIds: [FRONT_END_ID] }],
  });
  assert.deepStrictEqual(s.Users, [{ UserName: 'alice', ServiceIds: [FRONT_END_ID] }]);
});

test('fault root cause follows the fault from the entry point into the backend that reported it', () => {
  const s = summarizeTrace(multiServiceTrace());
  assert.deepStrictEqual(s.FaultRootCauses, [
    {
      Services: [
        {
          ...FRONT_END_ID,
          EntityPath: [
            { Name: 'front-end', Exceptions: [], Remote: false },
            { Name: 'backend.example.com', Exceptions: [], Remote: true },
          ],
          Inferred: false,
        },
        {
          ...BACKEND_ID,
          EntityPath: [
            { Name: 'backend', Exceptions: [], Remote: false },
            { Name: 'compute', Exceptions: [{ Name: 'StockError', Message: 'stock service down' }], Remote: false },
          ],
          Inferred: false,
        },
      ],
      ClientImpacting: true,
    },
  ]);
});

test('error root causes end at the inferred services that answered 429 and 404; neither reached the client', () => {
  const s = summarizeTrace(multiServiceTrace());
  const frontEndPath = (call: string) => ({
    ...FRONT_END_ID,
    EntityPath: [
      { Name: 'front-end', Exceptions: [], Remote: false },
      { Name: call, Exceptions: [], Remote: true },
    ],
    Inferred: false,
  });
  const inferred = (id: typeof CARTS_ID) => ({ ...id, EntityPath: [{ Name: id.Name, Exceptions: [], Remote: false }], Inferred: true });
  assert.deepStrictEqual(s.ErrorRootCauses, [
    { Services: [frontEndPath('DynamoDB'), inferred(CARTS_ID)], ClientImpacting: false },
    { Services: [frontEndPath('payments.example.com'), inferred(PAYMENTS_ID)], ClientImpacting: false },
  ]);
});

test('an in-progress root makes the trace partial, without ResponseTime; Duration uses what has ended', () => {
  const trace: TraceView = {
    id: TRACE_ID,
    segments: [
      {
        id: 'aa00000000000001',
        name: 'worker',
        start_time: T,
        in_progress: true,
        subsegments: [{ id: 'aa00000000000002', name: 'step', start_time: T + 0.1, end_time: T + 0.25 }],
      },
    ],
  };
  const s = summarizeTrace(trace);
  assert.equal(s.IsPartial, true);
  assert.equal(s.ResponseTime, undefined);
  assert.equal(s.Duration, 0.25);
  assert.deepStrictEqual(s.EntryPoint, { Name: 'worker', Names: ['worker'] });
  assert.deepStrictEqual(s.Http, {});
});

test('a lone independent subsegment whose segment never arrived has no service and no entry point', () => {
  const orphan: SegmentDocument = {
    id: 'bb00000000000001',
    name: 'DynamoDB',
    type: 'subsegment',
    parent_id: 'ffffffffffffffff',
    namespace: 'aws',
    start_time: T,
    end_time: T + 0.01,
    aws: { table_name: 'orders' },
  };
  const s = summarizeTrace({ id: TRACE_ID, segments: [orphan] });
  assert.equal(s.EntryPoint, undefined);
  assert.deepStrictEqual(s.ServiceIds, []);
  assert.equal(s.Duration, 0.01);
  assert.deepStrictEqual(s.FaultRootCauses, []);
});

test('malformed optional fields are ignored rather than crashing the summary', () => {
  const weird = {
    id: 'cc00000000000001',
    name: 'odd',
    start_time: T,
    end_time: T + 1,
    subsegments: ['nope', null, 7, { id: 'cc00000000000002', name: 'ok', start_time: T, end_time: T + 1, subsegments: 'x' }],
    annotations: { list: [1, 2], obj: { a: 1 }, nan: Number.NaN, fine: 'yes' },
    http: 'not-an-object',
    aws: 'nope',
    cause: 200,
    user: 42,
  } as unknown as SegmentDocument;
  const s = summarizeTrace({ id: TRACE_ID, segments: [weird] });
  assert.deepStrictEqual(s.Annotations, { fine: [{ AnnotationValue: { StringValue: 'yes' }, ServiceIds: [{ Name: 'odd', Names: ['odd'] }] }] });
  assert.deepStrictEqual(s.Http, {});
  assert.deepStrictEqual(s.Users, []);
  assert.equal(s.Duration, 1);
});

test('ddbSample (Go SDK capture): DDB entry point, two inferred tables, fault rooted in the PutItem call', () => {
  const doc = JSON.parse(readCorpusSegment('ddbSample.json')) as SegmentDocument;
  const s = summarizeTrace({ id: String(doc.trace_id), segments: [doc] });
  const ddb = { Name: 'DDB', Names: ['DDB'] };
  assert.equal(s.Id, '1-5f29ab21-d4ebf299219a65bd5c31d6da');
  assert.equal(s.StartTime, 1596566305.535414);
  assert.equal(s.Duration, 0.057);
  assert.equal(s.ResponseTime, 0.057);
  assert.deepStrictEqual([s.HasFault, s.HasError, s.HasThrottle, s.IsPartial], [true, false, false, false]);
  assert.deepStrictEqual(s.EntryPoint, ddb);
  assert.deepStrictEqual(s.ServiceIds, [
    ddb,
    { Name: 'xray_sample_table', Names: ['xray_sample_table'], Type: 'AWS::DynamoDB::Table' },
    { Name: 'does_not_exist', Names: ['does_not_exist'], Type: 'AWS::DynamoDB::Table' },
  ]);
  assert.deepStrictEqual(s.Users, [{ UserName: 'xraysegmentdump', ServiceIds: [ddb] }]);
  assert.deepStrictEqual(s.Annotations, {
    'DDB.DescribeExistingTableAndPutToMissingTable.Annotation': [{ AnnotationValue: { StringValue: 'anno' }, ServiceIds: [ddb] }],
  });
  const notFound = [{ Name: 'dynamodb.ResourceNotFoundException', Message: 'ResourceNotFoundException: Requested resource not found' }];
  assert.deepStrictEqual(s.FaultRootCauses, [
    {
      Services: [
        {
          ...ddb,
          EntityPath: [
            { Name: 'DDB', Exceptions: notFound, Remote: false },
            { Name: 'DDB.DescribeExistingTableAndPutToMissingTable', Exceptions: notFound, Remote: false },
            { Name: 'dynamodb', Exceptions: notFound, Remote: true },
          ],
          Inferred: false,
        },
        {
          Name: 'does_not_exist',
          Names: ['does_not_exist'],
          Type: 'AWS::DynamoDB::Table',
          EntityPath: [{ Name: 'does_not_exist', Exceptions: [], Remote: false }],
          Inferred: true,
        },
      ],
      ClientImpacting: true,
    },
  ]);
  assert.deepStrictEqual(s.ErrorRootCauses, []);
});
