import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XrayWorkerClient } from '../../src/upload/xray-worker-client.js';
import { classifyFailure } from '../../src/xray/errors.js';
import { FakeXray } from '../helpers/fake-xray.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/sigv4-verify.js';

function channel(xray: FakeXray, credentials = async () => TEST_CREDENTIALS, requestTimeoutMs = 2000) {
  return new XrayWorkerClient(
    { endpoint: xray.url, region: TEST_REGION, userAgent: 'xrayd-test', requestTimeoutMs, outbound: { noVerifySSL: false, connections: 4 }, env: {} },
    credentials,
  );
}

test('the worker signs and sends PutTraceSegments; the answer comes back to this thread', async () => {
  const xray = new FakeXray();
  await xray.listen();
  const ch = channel(xray);
  try {
    const docs = ['{"id":"1","quote":"\\"x\\""}', '{"id":"2","text":"caf\u00e9"}'];
    const res = await ch.put(docs);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(xray.documents, docs, 'documents arrive byte-identical');
    const call = xray.calls.at(-1)!;
    assert.equal(call.signatureProblem, undefined, 'SigV4 signature verifies');
    assert.equal(call.headers['user-agent'], 'xrayd-test');
    assert.ok(call.headers['x-amzn-xray-timestamp']);
  } finally {
    await ch.close();
    await xray.close();
  }
});

test('no credentials: rejected on this thread, nothing sent', async () => {
  const xray = new FakeXray();
  await xray.listen();
  const ch = channel(xray, async () => {
    throw new Error('no providers');
  });
  try {
    await assert.rejects(ch.put(['{}']), (err: Error & { code?: string }) => err.code === 'XRAYD_NO_CREDENTIALS');
    assert.equal(xray.calls.length, 0);
  } finally {
    await ch.close();
    await xray.close();
  }
});

test('errors from the worker keep their codes: a stall is a timeout, an abort rejects at once', async () => {
  const xray = new FakeXray();
  await xray.listen();
  const ch = channel(xray, undefined, 200);
  try {
    xray.script = [{ kind: 'stall' }, { kind: 'stall' }];
    const err = await ch.put(['{}']).catch((e: unknown) => e);
    assert.equal(classifyFailure({ error: err }), 'timeout');
    const abort = new AbortController();
    const pending = ch.put(['{}'], abort.signal);
    abort.abort(new Error('shutdown'));
    await assert.rejects(pending, /shutdown/);
  } finally {
    await ch.close();
    await xray.close();
  }
  await assert.rejects(ch.put(['{}']), (err: Error & { code?: string }) => err.code === 'XRAYD_UPLOAD_WORKER_EXIT', 'closed');
});
