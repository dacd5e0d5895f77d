import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { createDispatcher, proxyPlan, ProxyConfigError } from '../../src/xray/http-dispatcher.js';
import { XrayClient } from '../../src/xray/xray-client.js';
import { XraySigner } from '../../src/xray/signer.js';
import { describeError } from '../../src/xray/errors.js';
import { FakeXray, TEST_CREDENTIALS, TEST_REGION } from './fake-xray.js';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './fixtures/test-tls.js';
import { ConnectProxy } from './connect-proxy.js';

const fake = new FakeXray();
const proxyA = new ConnectProxy();
const proxyB = new ConnectProxy();
let xrayBase = '';
let proxyAUrl = '';
let proxyBUrl = '';
let tlsBase = '';
let tlsRequests = 0;
const tlsServer = createTlsServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (req, res) => {
  tlsRequests++;
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"UnprocessedTraceSegments":[]}'));
});
const dispatchers: Dispatcher[] = [];

before(async () => {
  xrayBase = await fake.start();
  proxyAUrl = await proxyA.start();
  proxyBUrl = await proxyB.start();
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
});

after(async () => {
  await Promise.all(dispatchers.map((d) => d.close()));
  await fake.stop();
  await proxyA.stop();
  await proxyB.stop();
  tlsServer.closeAllConnections();
  await new Promise<void>((r) => tlsServer.close(() => r()));
});

beforeEach(() => {
  fake.requests.length = 0;
  proxyA.tunnels.length = 0;
  proxyB.tunnels.length = 0;
  tlsRequests = 0;
});

/** A PutTraceSegments call through a dispatcher built from `env` and options, as the uploader makes it. */
async function upload(endpoint: string, env: NodeJS.ProcessEnv, opts: { proxyAddress?: string; noVerifySSL?: boolean } = {}) {
  const dispatcher = createDispatcher({ connections: 2, noVerifySSL: opts.noVerifySSL ?? false, proxyAddress: opts.proxyAddress }, env);
  dispatchers.push(dispatcher);
  const client = new XrayClient({
    endpoint,
    signer: new XraySigner(TEST_REGION, async () => TEST_CREDENTIALS),
    dispatcher,
    requestTimeoutMs: 2000,
    userAgent: 'xrayd-test',
  });
  return client.post('/TraceSegments', JSON.stringify({ TraceSegmentDocuments: ['{}'] }));
}

test('HTTP_PROXY: an http:// endpoint is reached through the proxy (CONNECT), still correctly signed', async () => {
  const res = await upload(xrayBase, { HTTP_PROXY: proxyAUrl });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(proxyA.tunnels, [new URL(xrayBase).host]);
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0].signatureValid, true);
});

test('HTTPS_PROXY: an https:// endpoint is tunnelled through the proxy; NoVerifySSL governs the target certificate', async () => {
  const res = await upload(tlsBase, { HTTPS_PROXY: proxyAUrl }, { noVerifySSL: true });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(proxyA.tunnels, [new URL(tlsBase).host]);
  assert.equal(tlsRequests, 1);
  // the self-signed certificate is refused when verification is on
  await assert.rejects(upload(tlsBase, { HTTPS_PROXY: proxyAUrl }, { noVerifySSL: false }), (err: unknown) => {
    assert.match(describeError(err), /SELF_SIGNED|self.signed/i);
    return true;
  });
  assert.equal(tlsRequests, 1);
});

test('NO_PROXY hosts bypass the proxy; other NO_PROXY entries do not', async () => {
  const host = new URL(xrayBase).hostname;
  for (const noProxy of [host, `example.com, ${host}`, `${host}:${new URL(xrayBase).port}`]) {
    const res = await upload(xrayBase, { HTTP_PROXY: proxyAUrl, NO_PROXY: noProxy });
    assert.equal(res.statusCode, 200);
  }
  assert.equal(proxyA.tunnels.length, 0, 'bypassed');
  assert.equal(fake.requests.length, 3);
  await upload(xrayBase, { HTTP_PROXY: proxyAUrl, no_proxy: `example.com,${host}:1` });
  assert.equal(proxyA.tunnels.length, 1, 'a different port or host is still proxied');
});

test('-p/--proxy-address overrides HTTPS_PROXY/HTTP_PROXY', async () => {
  const res = await upload(xrayBase, { HTTP_PROXY: proxyAUrl, HTTPS_PROXY: proxyAUrl }, { proxyAddress: proxyBUrl });
  assert.equal(res.statusCode, 200);
  assert.equal(proxyA.tunnels.length, 0);
  assert.deepEqual(proxyB.tunnels, [new URL(xrayBase).host]);
});

test('HTTPS_PROXY alone leaves http:// endpoints direct; no proxy variables means direct', async () => {
  await upload(xrayBase, { HTTPS_PROXY: proxyAUrl });
  await upload(xrayBase, {});
  assert.equal(proxyA.tunnels.length, 0);
  assert.equal(fake.requests.length, 2);
});

test('the env passed in is what counts, not process.env', () => {
  assert.deepEqual(proxyPlan(undefined, {}), { httpProxy: '', httpsProxy: '', noProxy: '' });
  assert.deepEqual(proxyPlan(undefined, { https_proxy: 'proxy.internal:3128', NO_PROXY: '169.254.169.254' }), {
    httpProxy: '',
    httpsProxy: 'http://proxy.internal:3128',
    noProxy: '169.254.169.254',
  });
});

test('an unusable proxy URL is a clear error that does not show the password', () => {
  assert.throws(
    () => createDispatcher({ connections: 1, noVerifySSL: false }, { HTTPS_PROXY: 'ftp://user:hunter2@proxy:21' }),
    (err: unknown) => {
      assert.ok(err instanceof ProxyConfigError);
      assert.match(err.message, /^HTTPS_PROXY: expected a proxy URL/);
      assert.ok(!err.message.includes('hunter2'));
      return true;
    },
  );
});
