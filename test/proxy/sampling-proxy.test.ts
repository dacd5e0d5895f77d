import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { XRayClient, GetSamplingRulesCommand, GetSamplingTargetsCommand, PutTraceSegmentsCommand } from '@aws-sdk/client-xray';
import { createSamplingProxyRoute } from '../../src/proxy/sampling-proxy.js';
import { XrayClient } from '../../src/xray/xray-client.js';
import { XraySigner } from '../../src/xray/signer.js';
import { silentLogger } from '../../src/log/logger.js';
import { FakeXray, TEST_CREDENTIALS, TEST_REGION } from '../xray/fake-xray.js';
import { call, serveRoutes } from './http-call.js';

const require = createRequire(import.meta.url);

interface SdkRule {
  getName(): string;
}
interface ServiceConnector {
  fetchSamplingRules(cb: (err: Error | null, rules?: SdkRule[]) => void): void;
  fetchTargets(rules: SdkRule[], cb: (err: Error | null, targets?: Record<string, { rate: number; quota: number }>, freshness?: number) => void): void;
}
const connector = require('aws-xray-sdk-core/dist/lib/middleware/sampling/service_connector.js') as ServiceConnector;
const daemonConfig = require('aws-xray-sdk-core/dist/lib/daemon_config.js') as { tcp_ip: string; tcp_port: number };

const RULE = {
  RuleName: 'orders',
  RuleARN: 'arn:aws:xray:us-west-2:123456789012:sampling-rule/orders',
  ResourceARN: '*',
  Priority: 10,
  FixedRate: 0.2,
  ReservoirSize: 3,
  ServiceName: 'orders',
  ServiceType: '*',
  Host: '*',
  HTTPMethod: '*',
  URLPath: '*',
  Version: 1,
  Attributes: {},
};

const fake = new FakeXray();
const dispatcher = new Agent({ connections: 4 });
let proxyBase = '';
let xrayBase = '';
let closeProxy: () => Promise<void>;

function clientFor(endpoint: string, creds: () => Promise<typeof TEST_CREDENTIALS>, requestTimeoutMs = 1000) {
  return new XrayClient({ endpoint, signer: new XraySigner(TEST_REGION, creds), dispatcher, requestTimeoutMs, userAgent: 'xrayd-test' });
}

/** A port where nothing listens: bind one, then close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

before(async () => {
  xrayBase = await fake.start();
  const route = createSamplingProxyRoute({ client: clientFor(xrayBase, async () => TEST_CREDENTIALS), logger: silentLogger });
  const served = await serveRoutes([route]);
  proxyBase = served.base;
  closeProxy = served.close;
  const url = new URL(proxyBase);
  daemonConfig.tcp_ip = url.hostname;
  daemonConfig.tcp_port = Number(url.port);
});

after(async () => {
  await closeProxy();
  await fake.stop();
  await dispatcher.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.answer = (req) => {
    if (req.path === '/GetSamplingRules') return { status: 200, body: JSON.stringify({ SamplingRuleRecords: [{ SamplingRule: RULE, CreatedAt: 1.7e9, ModifiedAt: 1.7e9 }] }) };
    if (req.path === '/SamplingTargets') {
      return {
        status: 200,
        body: JSON.stringify({
          SamplingTargetDocuments: [{ RuleName: 'orders', FixedRate: 0.5, ReservoirQuota: 7, ReservoirQuotaTTL: 1.8e9, Interval: 10 }],
          LastRuleModification: 1.7e9,
          UnprocessedStatistics: [],
        }),
      };
    }
    return { status: 500, body: '{"__type":"test#Unexpected"}' };
  };
});

function fetchRules(): Promise<SdkRule[]> {
  return new Promise((resolve, reject) => connector.fetchSamplingRules((err, rules) => (err ? reject(err) : resolve(rules ?? []))));
}

test('the real SDK ServiceConnector gets rules and targets through the proxy, signed with SigV4', async () => {
  const rules = await fetchRules();
  assert.deepEqual(rules.map((r) => r.getName()), ['orders']);
  const targets = await new Promise<Record<string, { rate: number; quota: number }>>((resolve, reject) =>
    connector.fetchTargets(rules, (err, t) => (err ? reject(err) : resolve(t ?? {}))),
  );
  assert.equal(targets.orders.rate, 0.5);
  assert.equal(targets.orders.quota, 7);

  assert.deepEqual(fake.requests.map((r) => `${r.method} ${r.path}`), ['POST /GetSamplingRules', 'POST /SamplingTargets']);
  for (const r of fake.requests) {
    assert.equal(r.signatureValid, true, `signature of ${r.path} verifies`);
    assert.deepEqual(r.signedHeaders, ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token']);
    assert.equal(r.headers['x-amz-security-token'], TEST_CREDENTIALS.sessionToken);
  }
  const stats = JSON.parse(fake.requests[1].body) as { SamplingStatisticsDocuments: { RuleName: string }[] };
  assert.equal(stats.SamplingStatisticsDocuments[0].RuleName, 'orders');
});

test('headers a client adds are neither signed nor forwarded', async () => {
  const res = await call(proxyBase, 'POST', '/GetSamplingRules', {
    headers: { 'content-type': 'text/plain', 'x-forwarded-for': '10.0.0.1', 'x-custom': 'added-by-a-proxy', authorization: 'Bearer client' },
    body: '{}',
  });
  assert.equal(res.status, 200);
  const [seen] = fake.requests;
  assert.equal(seen.signatureValid, true);
  for (const h of ['x-forwarded-for', 'x-custom']) {
    assert.ok(!seen.signedHeaders.includes(h), `${h} not signed`);
    assert.equal(seen.headers[h], undefined, `${h} not forwarded`);
  }
  assert.equal(seen.headers['content-type'], 'application/json');
  assert.match(String(seen.headers.authorization), /^AWS4-HMAC-SHA256 /);
});

test('the upstream answer (status, body, content-type) comes back unchanged', async () => {
  const body = '{"__type":"com.amazonaws.xray#ThrottledException","Message":"Rate exceeded"}';
  fake.answer = () => ({ status: 429, body, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'ThrottledException' } });
  const res = await call(proxyBase, 'POST', '/SamplingTargets', { body: '{"SamplingStatisticsDocuments":[]}' });
  assert.equal(res.status, 429);
  assert.equal(res.body, body);
  assert.equal(res.headers['content-type'], 'application/x-amz-json-1.1');
  assert.equal(res.headers['x-amzn-errortype'], 'ThrottledException');
});

test('every other path and method is refused and never reaches X-Ray', async () => {
  const cases: [string, string, number][] = [
    ['POST', '/TraceSegments', 404],
    ['POST', '/TelemetryRecords', 404],
    ['POST', '/Traces', 404],
    ['POST', '/TraceSummaries', 404],
    ['POST', '/CreateSamplingRule', 404],
    ['POST', '/DeleteSamplingRule', 404],
    ['POST', '/getsamplingrules', 404],
    ['POST', '//GetSamplingRules', 404],
    ['POST', '/GetSamplingRules/../TraceSegments', 404],
    ['POST', '/', 404],
    ['GET', '/GetSamplingRules', 405],
    ['PUT', '/SamplingTargets', 405],
    ['DELETE', '/GetSamplingRules', 405],
    ['GET', '/TraceSegments', 404], // left to the server's own 404
  ];
  for (const [method, path, status] of cases) {
    const res = await call(proxyBase, method, path, { body: method === 'GET' ? undefined : '{"TraceSegmentDocuments":[]}' });
    assert.equal(res.status, status, `${method} ${path}`);
    if (method === 'POST' || status === 405) {
      const parsed = JSON.parse(res.body) as { Message: string; allowed: string[] };
      assert.deepEqual(parsed.allowed, ['POST /GetSamplingRules', 'POST /SamplingTargets'], `${method} ${path} names what is allowed`);
    }
    if (status === 405) assert.equal(res.headers.allow, 'POST');
  }
  assert.equal(fake.requests.length, 0);
});

test('a 2 MiB body is refused with 413, with or without Content-Length', async () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 'a');
  const declared = await call(proxyBase, 'POST', '/GetSamplingRules', { headers: { 'content-length': big.length }, body: big });
  assert.equal(declared.status, 413);
  const chunked = await call(proxyBase, 'POST', '/SamplingTargets', { headers: { 'transfer-encoding': 'chunked' }, body: big });
  assert.equal(chunked.status, 413);
  assert.equal(fake.requests.length, 0);
});

test('a body that never finishes gets 408 after the body timeout', async () => {
  const route = createSamplingProxyRoute({ client: clientFor('http://127.0.0.1:9', async () => TEST_CREDENTIALS), logger: silentLogger, bodyTimeoutMs: 150 });
  const served = await serveRoutes([route]);
  try {
    const started = Date.now();
    const res = await call(served.base, 'POST', '/GetSamplingRules', {
      headers: { 'content-length': 100 },
      stream: (write) => write(Buffer.from('{"Next')),
    });
    assert.equal(res.status, 408);
    assert.ok(Date.now() - started < 2000);
  } finally {
    await served.close();
  }
});

test('X-Ray down -> 502, X-Ray stalling -> 504, no credentials -> 502 and nothing sent', async () => {
  const down = createSamplingProxyRoute({ client: clientFor(`http://127.0.0.1:${await closedPort()}`, async () => TEST_CREDENTIALS), logger: silentLogger });
  const stalling = createSamplingProxyRoute({ client: clientFor(xrayBase, async () => TEST_CREDENTIALS, 300), logger: silentLogger });
  const noCreds = createSamplingProxyRoute({
    client: clientFor(xrayBase, async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    }),
    logger: silentLogger,
  });
  fake.answer = () => 'stall';
  for (const [route, status, pattern] of [
    [down, 502, /could not be reached/],
    [stalling, 504, /did not answer in time/],
    [noCreds, 502, /could not sign the request.*Could not load credentials/],
  ] as const) {
    const served = await serveRoutes([route]);
    try {
      const started = Date.now();
      const res = await call(served.base, 'POST', '/GetSamplingRules', { body: '{}' });
      assert.equal(res.status, status);
      assert.match((JSON.parse(res.body) as { Message: string }).Message, pattern);
      assert.ok(Date.now() - started < 2000, 'answers promptly');
    } finally {
      await served.close();
    }
  }
  // only the stalling case reached the stand-in; the credential failure sent nothing
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0].signatureValid, true);
});

test('more requests at once than the in-flight cap get 503 with Retry-After', async () => {
  fake.answer = () => 'stall';
  const route = createSamplingProxyRoute({ client: clientFor(xrayBase, async () => TEST_CREDENTIALS, 1000), logger: silentLogger, maxInFlight: 1 });
  const served = await serveRoutes([route]);
  try {
    const arrived = once(fake, 'request');
    const first = call(served.base, 'POST', '/GetSamplingRules', { body: '{}' });
    await arrived;
    const second = await call(served.base, 'POST', '/SamplingTargets', { body: '{}' });
    assert.equal(second.status, 503);
    assert.equal(second.headers['retry-after'], '1');
    assert.equal((await first).status, 504);
    // the slot is free again
    fake.answer = () => ({ status: 200, body: '{"SamplingRuleRecords":[]}' });
    assert.equal((await call(served.base, 'POST', '/GetSamplingRules', { body: '{}' })).status, 200);
  } finally {
    await served.close();
  }
});

test('the AWS SDK v3 X-Ray client works through the proxy for sampling calls, and only those', async () => {
  // the client signs with its own (different) credentials; the proxy drops that and signs with ours
  const sdk = new XRayClient({
    endpoint: proxyBase,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'AKIDCLIENTSIDE', secretAccessKey: 'client-secret' },
    maxAttempts: 1,
  });
  try {
    const rules = await sdk.send(new GetSamplingRulesCommand({}));
    assert.equal(rules.SamplingRuleRecords?.[0]?.SamplingRule?.RuleName, 'orders');
    const targets = await sdk.send(
      new GetSamplingTargetsCommand({
        SamplingStatisticsDocuments: [{ RuleName: 'orders', ClientID: 'a'.repeat(24), Timestamp: new Date(), RequestCount: 1, SampledCount: 1 }],
      }),
    );
    assert.equal(targets.SamplingTargetDocuments?.[0]?.FixedRate, 0.5);
    await assert.rejects(sdk.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: ['{}'] })), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(err.$metadata?.httpStatusCode, 404);
      return true;
    });
  } finally {
    sdk.destroy();
  }
  assert.deepEqual(fake.requests.map((r) => r.path), ['/GetSamplingRules', '/SamplingTargets']);
  for (const r of fake.requests) {
    assert.equal(r.signatureValid, true);
    assert.match(String(r.headers.authorization), new RegExp(`Credential=${TEST_CREDENTIALS.accessKeyId}/`));
    assert.equal(r.headers['user-agent'], 'xrayd-test', 'the client user agent is not forwarded either');
  }
});
