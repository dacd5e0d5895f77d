import type { SegmentDocument, TraceView } from '../../../src/local/trace-view.js';
import { readCorpusSegment } from '../../helpers/corpus.js';

/** Hand-written traces covering each keyword, plus the Go SDK DynamoDB sample from the corpus. */
const T = 1700000000;

function trace(id: string, segments: SegmentDocument[]): TraceView {
  return { id, segments };
}

/** web (EC2) calls api.example.com, which sent its own segment: a healthy request. */
export const webOk = trace('1-6553f100-000000000000000000000001', [
  {
    id: '1000000000000001', name: 'web', trace_id: '1-6553f100-000000000000000000000001', origin: 'AWS::EC2::Instance',
    start_time: T, end_time: T + 0.5, user: 'alice',
    http: { request: { method: 'GET', url: 'https://shop.example.com/cart', user_agent: 'curl/8.0', client_ip: '10.0.0.1' }, response: { status: 200 } },
    aws: { ec2: { availability_zone: 'us-east-1a', instance_id: 'i-0abc' } },
    annotations: { tenant: 'acme', attempt: 1, beta: true },
    subsegments: [{
      id: '1000000000000002', name: 'api.example.com', namespace: 'remote', start_time: T + 0.1, end_time: T + 0.3,
      http: { request: { method: 'GET', url: 'https://api.example.com/v2/items' }, response: { status: 200 } },
    }],
  },
  {
    id: '1000000000000003', name: 'api.example.com', trace_id: '1-6553f100-000000000000000000000001', origin: 'AWS::ECS::Container',
    parent_id: '1000000000000002', start_time: T + 0.11, end_time: T + 0.29,
    http: { request: { method: 'GET', url: 'https://api.example.com/v2/items' }, response: { status: 200 } },
    annotations: { tenant: 'acme' },
  },
]);

/** web faults after DynamoDB (table "orders") throttles it. */
export const webFault = trace('1-6553f100-000000000000000000000002', [{
  id: '2000000000000001', name: 'web', trace_id: '1-6553f100-000000000000000000000002', origin: 'AWS::EC2::Instance',
  start_time: T, end_time: T + 2.5, user: 'bob', fault: true,
  http: { request: { method: 'POST', url: 'https://shop.example.com/checkout' }, response: { status: 500 } },
  cause: { working_directory: '/app', exceptions: [{ id: 'aaaaaaaaaaaaaaaa', message: 'Internal failure: stock unavailable' }] },
  subsegments: [{
    id: '2000000000000002', name: 'DynamoDB', namespace: 'aws', start_time: T + 0.1, end_time: T + 2.0,
    error: true, throttle: true, aws: { operation: 'PutItem', table_name: 'orders' }, annotations: { attempt: 3 },
    http: { response: { status: 400 } },
    cause: { exceptions: [{ id: 'bbbbbbbbbbbbbbbb', message: 'ProvisionedThroughputExceededException: Rate exceeded', remote: true }] },
  }],
}]);

/** A worker still in progress (its caller reported elsewhere) and an independent S3 subsegment. */
export const workerPartial = trace('1-6553f100-000000000000000000000003', [
  {
    id: '3000000000000001', name: 'worker', trace_id: '1-6553f100-000000000000000000000003', origin: 'AWS::ECS::Container',
    parent_id: 'feedfacecafebeef', start_time: T, in_progress: true, resource_arn: 'arn:aws:ecs:us-east-1:123456789012:task/abc',
  },
  {
    id: '3000000000000002', name: 'S3', trace_id: '1-6553f100-000000000000000000000003', type: 'subsegment', parent_id: '3000000000000001',
    namespace: 'aws', start_time: T + 0.2, end_time: T + 0.7, error: true, http: { response: { status: 404 } },
    annotations: { tenant: 'globex', attempt: 2 },
  },
]);

/** api.example.com answers 429 and its remote call to backend.example.com faults. */
export const apiThrottled = trace('1-6553f100-000000000000000000000004', [{
  id: '4000000000000001', name: 'api.example.com', trace_id: '1-6553f100-000000000000000000000004', origin: 'AWS::ECS::Container',
  start_time: T, end_time: T + 0.05, user: 'alice', error: true, throttle: true,
  http: {
    request: { method: 'GET', url: 'http://api.example.com/v1/health', user_agent: 'Mozilla/5.0 "quoted"', client_ip: '10.0.0.2' },
    response: { status: 429 },
  },
  annotations: { tenant: 'acme corp', attempt: 1.5, beta: false },
  subsegments: [{ id: '4000000000000002', name: 'backend.example.com', namespace: 'remote', start_time: T + 0.01, end_time: T + 0.04, fault: true }],
}]);

/** Two parentless segments: the earlier one (cron) is the root. */
export const twoRoots = trace('1-6553f100-000000000000000000000005', [
  {
    id: '5000000000000001', name: 'web', trace_id: '1-6553f100-000000000000000000000005', start_time: T + 1, end_time: T + 1.2,
    http: { request: { method: 'POST', url: 'http://internal/web' }, response: { status: 201 } },
  },
  {
    id: '5000000000000002', name: 'cron', trace_id: '1-6553f100-000000000000000000000005', start_time: T, end_time: T + 3,
    http: { request: { method: 'GET', url: 'http://internal/cron' }, response: { status: 200 } },
  },
]);

const ddbDoc = JSON.parse(readCorpusSegment('ddbSample.json')) as SegmentDocument;
/** Go SDK sample: segment DDB, DynamoDB calls to xray_sample_table (ok) and does_not_exist (fault). */
export const ddbSample = trace(ddbDoc.trace_id as string, [ddbDoc]);

export const FIXTURES: Record<string, TraceView> = { webOk, webFault, workerPartial, apiThrottled, twoRoots, ddbSample };
export const ALL = Object.keys(FIXTURES);
