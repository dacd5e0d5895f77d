import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descriptorFromProtoFiles } from '../../scripts/otlp-descriptor-source.js';
import { OTLP_TRACE_DESCRIPTOR } from '../../src/otlp/proto/otlp-descriptor.js';
import {
  decodeTraceRequest,
  decodeTraceResponse,
  encodeTraceRequest,
  encodeTraceResponse,
  fromBigInt,
  SpanKind,
  toBigInt,
} from '../../src/otlp/proto/otlp-trace-codec.js';

test('the committed descriptor is what the vendored .proto files define (regenerate with scripts/gen-otlp-descriptor.ts)', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(OTLP_TRACE_DESCRIPTOR)), JSON.parse(JSON.stringify(descriptorFromProtoFiles())));
});

test('a request survives encode and decode with exact nanosecond times, ids and attributes', () => {
  const traceId = Buffer.from('5759e988bd862e3fe1be46a994272793', 'hex');
  const spanId = Buffer.from('53995c3f42cd8ad8', 'hex');
  const start = 1_764_841_234_123_456_789n; // above 2^53: must not lose precision
  const bytes = encodeTraceRequest({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId,
                name: 'GET /cart',
                kind: SpanKind.SERVER,
                startTimeUnixNano: fromBigInt(start),
                endTimeUnixNano: fromBigInt(start + 5_000_000n),
                attributes: [{ key: 'http.response.status_code', value: { intValue: 503 } }],
                status: { code: 2, message: 'boom' },
              },
            ],
          },
        ],
      },
    ],
  });
  const span = decodeTraceRequest(bytes).resourceSpans![0].scopeSpans![0].spans![0];
  assert.equal(Buffer.from(span.traceId!).toString('hex'), '5759e988bd862e3fe1be46a994272793');
  assert.equal(Buffer.from(span.spanId!).toString('hex'), '53995c3f42cd8ad8');
  assert.equal(span.kind, SpanKind.SERVER);
  assert.equal(toBigInt(span.startTimeUnixNano), start);
  assert.equal(toBigInt(span.endTimeUnixNano) - toBigInt(span.startTimeUnixNano), 5_000_000n);
  assert.equal(toBigInt(span.attributes![0].value!.intValue), 503n);
  assert.deepEqual({ ...span.status }, { code: 2, message: 'boom' });
});

test('a response with partial success round-trips; malformed bytes throw', () => {
  const response = decodeTraceResponse(encodeTraceResponse({ partialSuccess: { rejectedSpans: 3, errorMessage: 'bad ids' } }));
  assert.equal(toBigInt(response.partialSuccess!.rejectedSpans), 3n);
  assert.equal(response.partialSuccess!.errorMessage, 'bad ids');
  assert.throws(() => decodeTraceRequest(Uint8Array.from([0x0a, 0xff, 0xff, 0xff])));
});

test('toBigInt is exact for signed and unsigned 64-bit values, as protobufjs decodes them', () => {
  const bytes = encodeTraceRequest({
    resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x', startTimeUnixNano: '18446744073709551615', attributes: [{ key: 'n', value: { intValue: '-9223372036854775808' } }, { key: 'm', value: { intValue: -1 } }] }] }] }],
  });
  const span = decodeTraceRequest(bytes).resourceSpans![0].scopeSpans![0].spans![0];
  assert.equal(toBigInt(span.startTimeUnixNano), 18446744073709551615n);
  assert.equal(toBigInt(span.attributes![0].value!.intValue), -9223372036854775808n);
  assert.equal(toBigInt(span.attributes![1].value!.intValue), -1n);
});
