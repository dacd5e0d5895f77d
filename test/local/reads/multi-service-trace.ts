/**
 * A hand-built trace crossing three services, in the order a daemon would receive it:
 * the backend segment (finished first), an independent subsegment the front-end streamed early,
 * then the front-end segment.
 *
 *   client -> front-end (EC2, 500 fault, user alice)
 *               |- backend.example.com   remote call, answered by the backend's own segment
 *               |     -> backend (ECS, 500 fault; subsegment `compute` holds the exception)
 *               |- DynamoDB GetItem on table `carts`: throttled (429)
 *               |- render (local)
 *               \- payments.example.com  remote call sent as an independent subsegment: 404 error
 */
import type { SegmentDocument, TraceView } from '../../../src/local/trace-view.js';

export const T = 1700000000;
export const TRACE_ID = '1-6553f100-0123456789abcdef01234567';

export const backend: SegmentDocument = {
  id: 'be00000000000001',
  name: 'backend',
  trace_id: TRACE_ID,
  parent_id: 'fe00000000000002',
  origin: 'AWS::ECS::Container',
  start_time: T + 0.02,
  end_time: T + 0.2,
  fault: true,
  http: { request: { method: 'GET', url: 'http://backend.example.com/stock' }, response: { status: 500 } },
  annotations: { cart_size: 3, region: 'eu' },
  subsegments: [
    {
      id: 'be00000000000002',
      name: 'compute',
      start_time: T + 0.03,
      end_time: T + 0.19,
      fault: true,
      cause: { working_directory: '/app', exceptions: [{ id: 'e000000000000001', type: 'StockError', message: 'stock service down' }] },
    },
  ],
};

export const payments: SegmentDocument = {
  id: 'fe00000000000005',
  name: 'payments.example.com',
  type: 'subsegment',
  trace_id: TRACE_ID,
  parent_id: 'fe00000000000001',
  namespace: 'remote',
  start_time: T + 0.26,
  end_time: T + 0.29,
  error: true,
  http: { request: { method: 'POST', url: 'https://payments.example.com/charge' }, response: { status: 404 } },
};

export const frontEnd: SegmentDocument = {
  id: 'fe00000000000001',
  name: 'front-end',
  trace_id: TRACE_ID,
  origin: 'AWS::EC2::Instance',
  resource_arn: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc123',
  start_time: T,
  end_time: T + 0.5,
  fault: true,
  user: 'alice',
  http: {
    request: { method: 'GET', url: 'https://shop.example.com/cart', user_agent: 'curl/8.4', client_ip: '203.0.113.7' },
    response: { status: 500 },
  },
  aws: { account_id: '123456789012', ec2: { instance_id: 'i-0abc123', availability_zone: 'eu-west-1a' } },
  annotations: { cart_size: 3, premium: true },
  subsegments: [
    {
      id: 'fe00000000000002',
      name: 'backend.example.com',
      namespace: 'remote',
      start_time: T + 0.01,
      end_time: T + 0.21,
      fault: true,
      http: { request: { method: 'GET', url: 'http://backend.example.com/stock' }, response: { status: 500 } },
    },
    {
      id: 'fe00000000000003',
      name: 'DynamoDB',
      namespace: 'aws',
      start_time: T + 0.22,
      end_time: T + 0.25,
      error: true,
      throttle: true,
      http: { response: { status: 429 } },
      aws: { operation: 'GetItem', region: 'eu-west-1', table_name: 'carts', retries: 0 },
    },
    {
      id: 'fe00000000000004',
      name: 'render',
      start_time: T + 0.3,
      end_time: T + 0.4,
      annotations: { template: 'cart.html' },
    },
  ],
};

export function multiServiceTrace(): TraceView {
  // Deep copies: the code under test must not depend on (or mutate) shared objects.
  return { id: TRACE_ID, segments: structuredClone([backend, payments, frontEnd]) };
}

/** A second, successful request to the front-end 100 s later. */
export function okTrace(): TraceView {
  const id = '1-6553f164-0123456789abcdef01234568';
  return {
    id,
    segments: [
      {
        id: 'fe00000000000101',
        name: 'front-end',
        trace_id: id,
        origin: 'AWS::EC2::Instance',
        aws: { account_id: '123456789012' },
        start_time: T + 100,
        end_time: T + 100.1,
        http: { request: { method: 'GET', url: 'https://shop.example.com/' }, response: { status: 200 } },
      },
    ],
  };
}

export const FRONT_END_ID = { Name: 'front-end', Names: ['front-end'], AccountId: '123456789012', Type: 'AWS::EC2::Instance' };
export const BACKEND_ID = { Name: 'backend', Names: ['backend'], Type: 'AWS::ECS::Container' };
export const CARTS_ID = { Name: 'carts', Names: ['carts'], Type: 'AWS::DynamoDB::Table' };
export const PAYMENTS_ID = { Name: 'payments.example.com', Names: ['payments.example.com'], Type: 'remote' };
