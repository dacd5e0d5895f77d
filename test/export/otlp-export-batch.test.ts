import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildExportBatch, otlpDocument, OTLP_DOCUMENT_PREFIX } from '../../src/export/otlp-export-batch.js';
import { decodeTraceRequest, encodeTraceRequest, fromBigInt, SpanKind } from '../../src/otlp/proto/otlp-trace-codec.js';
import { readCorpusSegment } from '../helpers/corpus.js';
import { hexId } from '../helpers/otlp-receiver.js';

/** A span as an OTel SDK sends it: a random W3C trace id (no X-Ray epoch prefix). */
const otelRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otel-svc' } }] },
      scopeSpans: [
        {
          scope: { name: 'manual' },
          spans: [
            {
              traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
              spanId: Buffer.from('b7ad6b7169203331', 'hex'),
              name: 'GET /otel',
              kind: SpanKind.SERVER,
              startTimeUnixNano: fromBigInt(1_764_000_000_000_000_000n),
              endTimeUnixNano: fromBigInt(1_764_000_000_500_000_000n),
            },
          ],
        },
      ],
    },
  ],
};

test('a mixed batch: X-Ray documents are translated, OTLP documents pass through unchanged, both in one request', () => {
  const batch = buildExportBatch([readCorpusSegment('indepSubsegment.json'), otlpDocument(otelRequest), `${OTLP_DOCUMENT_PREFIX}!!not-protobuf`, '{"x":']);
  assert.equal(batch.spans, 2);
  assert.deepEqual(batch.unprocessed.map((u) => u.ErrorCode).sort(), ['InvalidJson', 'InvalidOtlp']);
  const req = decodeTraceRequest(batch.body);
  assert.equal(req.resourceSpans!.length, 2);
  const otel = req.resourceSpans!.find((rs) => rs.resource!.attributes![0].value!.stringValue === 'otel-svc')!;
  const span = otel.scopeSpans![0].spans![0];
  assert.equal(hexId(span.traceId), '0af7651916cd43dd8448eb211c80319c', 'W3C ids are exported as they came');
  assert.equal(span.name, 'GET /otel');
  assert.equal(otel.scopeSpans![0].scope!.name, 'manual');
});

test('a batch of only skipped documents has no spans and no body', () => {
  const batch = buildExportBatch([readCorpusSegment('minInProgress.json'), otlpDocument({ resourceSpans: [] })]);
  assert.equal(batch.spans, 0);
  assert.equal(batch.body.length, 0);
  assert.deepEqual(batch.unprocessed.map((u) => [u.ErrorCode, u.Id]), [['InProgress', '5cc4a447f5d4d696']]);
});

test('ADOT T1S bodies (base64 OTLP after the T1S marker) are exported as they came; a broken one is rejected with a reason', () => {
  const b64 = Buffer.from(encodeTraceRequest(otelRequest)).toString('base64');
  const batch = buildExportBatch([Buffer.from(`T1S${b64}`), `T1S${b64}\n`, 'T1S*not base64*']);
  assert.equal(batch.spans, 2);
  assert.equal(batch.unprocessed.length, 1);
  assert.match(batch.unprocessed[0].Message!, /T1S document is not the base64/);
  assert.equal(decodeTraceRequest(batch.body).resourceSpans!.length, 2);
});
