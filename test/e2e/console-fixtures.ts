import { randomBytes } from 'node:crypto';

/**
 * Three traces as the Node SDK would send them, one document per datagram: a checkout that
 * faults in DynamoDB (frontend -> orders-api -> DynamoDB), a healthy GET and a 404.
 */
export interface ConsoleFixtures {
  faultTraceId: string;
  okTraceId: string;
  notFoundTraceId: string;
  /** Two hours old: outside the default 15-minute range. */
  oldTraceId: string;
  exceptionMessage: string;
  documents: Record<string, unknown>[];
}

const hex = (chars: number): string => randomBytes(chars / 2).toString('hex');
const traceId = (at: number): string => `1-${Math.floor(at).toString(16).padStart(8, '0')}-${hex(24)}`;

export function consoleFixtures(nowSeconds: number): ConsoleFixtures {
  const exceptionMessage = 'Requested resource not found: Table: orders not found';
  const faultAt = nowSeconds - 3;
  const faultTraceId = traceId(faultAt);
  const callId = hex(16);
  const frontend = {
    trace_id: faultTraceId,
    id: hex(16),
    name: 'web-frontend',
    origin: 'AWS::ECS::Container',
    start_time: faultAt,
    end_time: faultAt + 0.25,
    fault: true,
    http: { request: { method: 'POST', url: 'http://shop.example.com/api/orders' }, response: { status: 500 } },
    subsegments: [
      {
        id: callId,
        name: 'orders-api',
        namespace: 'remote',
        start_time: faultAt + 0.01,
        end_time: faultAt + 0.24,
        fault: true,
        http: { request: { method: 'POST', url: 'http://orders-api.internal/orders' }, response: { status: 500 } },
      },
    ],
  };
  const ordersApi = {
    trace_id: faultTraceId,
    id: hex(16),
    parent_id: callId,
    name: 'orders-api',
    origin: 'AWS::EC2::Instance',
    start_time: faultAt + 0.02,
    end_time: faultAt + 0.23,
    fault: true,
    http: { request: { method: 'POST', url: 'http://orders-api.internal/orders' }, response: { status: 500 } },
    annotations: { customer_tier: 'gold' },
    metadata: { default: { cart: { items: 3 } } },
    subsegments: [
      {
        id: hex(16),
        name: 'DynamoDB',
        namespace: 'aws',
        start_time: faultAt + 0.03,
        end_time: faultAt + 0.2,
        fault: true,
        http: { response: { status: 500 } },
        aws: { operation: 'PutItem', table_name: 'orders', region: 'eu-west-1', retries: 0 },
        cause: {
          working_directory: '/srv/orders-api',
          exceptions: [
            {
              id: hex(16),
              type: 'ResourceNotFoundException',
              message: exceptionMessage,
              remote: true,
              stack: [
                { path: 'src/orders/repository.ts', line: 88, label: 'OrdersRepository.put' },
                { path: 'src/orders/routes.ts', line: 31, label: 'createOrder' },
              ],
            },
          ],
        },
      },
    ],
  };
  const okAt = nowSeconds - 2;
  const okTraceId = traceId(okAt);
  const healthy = {
    trace_id: okTraceId,
    id: hex(16),
    name: 'web-frontend',
    origin: 'AWS::ECS::Container',
    start_time: okAt,
    end_time: okAt + 0.012,
    http: { request: { method: 'GET', url: 'http://shop.example.com/health' }, response: { status: 200 } },
  };
  const notFoundAt = nowSeconds - 1;
  const notFoundTraceId = traceId(notFoundAt);
  const notFound = {
    trace_id: notFoundTraceId,
    id: hex(16),
    name: 'web-frontend',
    origin: 'AWS::ECS::Container',
    start_time: notFoundAt,
    end_time: notFoundAt + 0.02,
    error: true,
    http: { request: { method: 'GET', url: 'http://shop.example.com/api/orders/999' }, response: { status: 404 } },
  };
  const oldAt = nowSeconds - 2 * 3600;
  const old = simpleTrace(oldAt, '/old');
  return {
    faultTraceId,
    okTraceId,
    notFoundTraceId,
    oldTraceId: old.trace_id,
    exceptionMessage,
    documents: [frontend, ordersApi, healthy, notFound, old],
  };
}

/** The UDP wire format: header line, newline, JSON. */
export function datagram(document: unknown): Buffer {
  return Buffer.from(`{"format":"json","version":1}\n${JSON.stringify(document)}`, 'utf8');
}

/** A one-segment GET that went well, for traces sent while the page is open. */
export function simpleTrace(at: number, path: string): { trace_id: string } & Record<string, unknown> {
  return {
    trace_id: traceId(at),
    id: hex(16),
    name: 'web-frontend',
    origin: 'AWS::ECS::Container',
    start_time: at,
    end_time: at + 0.008,
    http: { request: { method: 'GET', url: `http://shop.example.com${path}` }, response: { status: 200 } },
  };
}
