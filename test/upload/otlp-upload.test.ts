import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeTraceRequest, encodeTraceRequest } from '../../src/otlp/proto/otlp-trace-codec.js';
import { OTLP_DOCUMENT_PREFIX } from '../../src/otlp/otlp-intake.js';
import { MAX_OTLP_REQUEST_BYTES, MAX_OTLP_REQUEST_SPANS, OTLP_PATH, otlpBodies } from '../../src/upload/otlp-upload.js';
import { XrayUploader, putInThread } from '../../src/upload/xray-uploader.js';
import { XrayClient } from '../../src/xray/xray-client.js';
import { XraySigner } from '../../src/xray/signer.js';
import { createDispatcher } from '../../src/xray/http-dispatcher.js';
import { silentLogger } from '../../src/log/logger.js';
import { FakeXray } from '../helpers/fake-xray.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/sigv4-verify.js';

function otlpDocument(name: string, padding = 0): string {
  const bytes = encodeTraceRequest({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: randomBytes(16), spanId: randomBytes(8), name, attributes: padding ? [{ key: 'pad', value: { stringValue: 'x'.repeat(padding) } }] : [] }] }] }],
  });
  return OTLP_DOCUMENT_PREFIX + Buffer.from(bytes).toString('base64');
}

const spanNames = (body: Uint8Array) => (decodeTraceRequest(body).resourceSpans ?? []).flatMap((rs) => rs.scopeSpans!.flatMap((ss) => ss.spans!.map((s) => s.name)));

test('OTLP bodies: the spans of many documents in one request, in order (protobuf concatenation)', () => {
  const docs = ['a', 'b', 'c'].map((n) => otlpDocument(n));
  const bodies = otlpBodies(docs);
  assert.equal(bodies.length, 1);
  assert.deepEqual(spanNames(bodies[0]), ['a', 'b', 'c']);
});

test("OTLP bodies stay within X-Ray's limits: 5 MB and 10,000 spans per request", () => {
  const big = Array.from({ length: 30 }, (_, i) => otlpDocument(`big-${i}`, 190 * 1024));
  const bySize = otlpBodies(big);
  assert.ok(bySize.length >= 2);
  assert.ok(bySize.every((b) => b.length <= MAX_OTLP_REQUEST_BYTES));
  assert.equal(bySize.flatMap(spanNames).length, 30);
  const many = Array.from({ length: MAX_OTLP_REQUEST_SPANS + 5 }, (_, i) => otlpDocument(`s${i}`));
  const byCount = otlpBodies(many);
  assert.deepEqual(byCount.map((b) => spanNames(b).length), [MAX_OTLP_REQUEST_SPANS, 5]);
});

const xray = new FakeXray();
after(() => xray.close());

test('a batch with segments and OTLP spans: one signed PutTraceSegments and one signed OTLP request', async () => {
  await xray.listen();
  const dispatcher = createDispatcher({ connections: 2, noVerifySSL: false, proxyAddress: undefined }, {});
  const client = new XrayClient({ endpoint: xray.url, signer: new XraySigner(TEST_REGION, async () => TEST_CREDENTIALS), dispatcher, requestTimeoutMs: 2000, userAgent: 'xrayd-test' });
  const uploader = new XrayUploader(putInThread(client), silentLogger, () => {}, (body, signal) =>
    client.post(OTLP_PATH, body, signal, { timestampHeader: false, contentType: 'application/x-protobuf' }),
  );
  const segment = JSON.stringify({ name: 'seg', id: '0123456789abcdef' });
  const outcome = await uploader.send([segment, otlpDocument('span-1'), otlpDocument('span-2')]);
  assert.deepEqual(outcome, { status: 'success', unprocessed: [] });
  assert.deepEqual(xray.documents, [segment]);
  assert.equal(xray.otlpBodies.length, 1);
  assert.deepEqual(spanNames(xray.otlpBodies[0]), ['span-1', 'span-2']);
  for (const c of xray.calls) assert.equal(c.signatureProblem, undefined, `${c.path} signed`);
  // a failing PutTraceSegments makes the whole batch retryable; the OTLP part is not sent alone
  xray.script.push({ kind: 'answer', status: 503 });
  const failed = await uploader.send([segment, otlpDocument('span-3')]);
  assert.equal(failed.status, 'retryable');
  assert.equal(xray.otlpBodies.length, 1);
  await dispatcher.close();
});
