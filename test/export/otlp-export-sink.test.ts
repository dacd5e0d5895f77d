import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'undici';
import { OtlpExportSink } from '../../src/export/otlp-export-sink.js';
import { OtlpReceiver, attributes } from '../helpers/otlp-receiver.js';
import { readCorpusSegment } from '../helpers/corpus.js';

let receiver: OtlpReceiver;
let agent: Agent;
before(async () => {
  receiver = new OtlpReceiver();
  await receiver.listen();
  agent = new Agent({ connect: { timeout: 2000 }, headersTimeout: 2000, bodyTimeout: 2000 });
});
after(async () => {
  await agent.close();
  await receiver.close();
});

const sink = (compression: 'gzip' | 'none' = 'none', headers: Record<string, string> = {}) =>
  new OtlpExportSink({ url: new URL(`${receiver.url}/v1/traces`), headers, compression, dispatcher: agent, userAgent: 'xrayd-test' });
const doc = readCorpusSegment('indepSubsegment.json');

test('a batch is one protobuf request; untranslatable and non-JSON documents come back as unprocessed with reasons', async () => {
  const s = sink('gzip', { 'x-api-key': 'k1' });
  const before = receiver.calls.length;
  const out = await s.send([doc, 'not json', readCorpusSegment('segmentValidationFailed.json'), readCorpusSegment('ddbSample.json')]);
  assert.equal(out.status, 'success');
  assert.deepEqual(
    (out as { unprocessed: { ErrorCode?: string; Id?: string }[] }).unprocessed.map((u) => [u.ErrorCode, u.Id]),
    [['InvalidJson', undefined], ['Untranslatable', 'bda182a644eee9b3']],
  );
  assert.equal(receiver.calls.length, before + 1);
  const call = receiver.calls.at(-1)!;
  assert.equal(call.headers['x-api-key'], 'k1');
  assert.equal(call.headers['user-agent'], 'xrayd-test');
  assert.equal(call.headers['content-encoding'], 'gzip');
  assert.equal(call.request!.resourceSpans!.length, 2);
  assert.equal(s.spans.sent, 19);
});

test('a batch with nothing translatable makes no request', async () => {
  const before = receiver.calls.length;
  const out = await sink().send(['[]']);
  assert.equal(out.status, 'success');
  assert.equal(receiver.calls.length, before);
});

test('partial_success: rejected spans are counted and its message kept', async () => {
  const s = sink();
  receiver.script = [{ kind: 'answer', status: 200, partialSuccess: { rejectedSpans: 1, errorMessage: 'span too large' } }];
  const out = await s.send([doc, readCorpusSegment('indepSubsegmentWithSql.json')]);
  assert.equal(out.status, 'success');
  assert.deepEqual(s.spans, { sent: 1, rejected: 1 });
  assert.equal(s.lastPartialSuccess, 'span too large');
});

const answers: { status: number; headers?: Record<string, string>; body?: string; expect: Record<string, unknown> }[] = [
  { status: 503, headers: { 'retry-after': '2' }, expect: { status: 'retryable', errorClass: 'http5xx', retryAfterMs: 2000 } },
  { status: 500, expect: { status: 'retryable', errorClass: 'http5xx' } },
  { status: 429, expect: { status: 'retryable', errorClass: 'http4xx' } },
  { status: 400, headers: { 'content-type': 'application/json' }, body: '{"message":"invalid trace id"}', expect: { status: 'failure', errorClass: 'http4xx', message: 'HTTP 400: {"message":"invalid trace id"}' } },
  { status: 401, expect: { status: 'failure', errorClass: 'http4xx', message: 'HTTP 401' } },
  { status: 413, body: 'xx', headers: { 'content-type': 'application/x-protobuf' }, expect: { status: 'failure', message: 'HTTP 413 (application/x-protobuf, 2 bytes)' } },
  { status: 307, headers: { location: '/elsewhere' }, expect: { status: 'failure', errorClass: 'other' } },
];
for (const a of answers) {
  test(`an HTTP ${a.status} answer is ${a.expect.status}`, async () => {
    receiver.script = [{ kind: 'answer', status: a.status, headers: a.headers, body: a.body }];
    const out = (await sink().send([doc])) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(a.expect)) assert.equal(out[k], v, k);
  });
}

test('a refused connection is retryable and classified as refused', async () => {
  const down = new OtlpReceiver();
  await down.listen();
  const url = new URL(`${down.url}/v1/traces`);
  await down.close();
  const out = await new OtlpExportSink({ url, headers: {}, compression: 'none', dispatcher: agent, userAgent: 'x' }).send([doc]);
  assert.equal(out.status, 'retryable');
  assert.equal((out as { errorClass: string }).errorClass, 'refused');
});

test('the spans carry the translated attributes (decoded by the receiver)', async () => {
  receiver.script = [];
  await sink().send([readCorpusSegment('minOtherFields.json')]);
  const span = receiver.span('OtherTopLevelFields')!;
  assert.equal(attributes(span.attributes)['aws.xray.throttle'], true);
});
