import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTraceRequestJson, OtlpJsonError } from '../../src/otlp/otlp-json.js';
import { toBigInt } from '../../src/otlp/proto/otlp-trace-codec.js';

const TRACE = '5759e988bd862e3fe1be46a994272793';

test('OTLP/JSON: hex ids, int64 strings, enum integers, lowerCamelCase keys', () => {
  const req = decodeTraceRequestJson(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE,
                  spanId: '53995c3f42cd8ad8',
                  parentSpanId: '',
                  name: 'GET /cart',
                  kind: 2,
                  startTimeUnixNano: '1764841234123456789',
                  endTimeUnixNano: 1764841234223456789,
                  attributes: [{ key: 'n', value: { intValue: '9007199254740993' } }],
                  status: { code: 2 },
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  const span = req.resourceSpans![0].scopeSpans![0].spans![0];
  assert.equal(Buffer.from(span.traceId!).toString('hex'), TRACE);
  assert.equal(Buffer.from(span.spanId!).toString('hex'), '53995c3f42cd8ad8');
  assert.equal(span.parentSpanId!.length, 0);
  assert.equal(span.kind, 2);
  assert.equal(toBigInt(span.startTimeUnixNano), 1764841234123456789n, 'exact past 2^53');
  assert.equal(toBigInt(span.attributes![0].value!.intValue), 9007199254740993n);
  assert.equal(span.status!.code, 2);
});

test('OTLP/JSON: snake_case keys and enum names are accepted too', () => {
  const req = decodeTraceRequestJson(
    JSON.stringify({
      resource_spans: [{ scope_spans: [{ spans: [{ trace_id: TRACE, span_id: '53995c3f42cd8ad8', kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR' } }] }] }],
    }),
  );
  const span = req.resourceSpans![0].scopeSpans![0].spans![0];
  assert.equal(span.kind, 3);
  assert.equal(span.status!.code, 2);
  assert.equal(Buffer.from(span.traceId!).toString('hex'), TRACE);
});

test('OTLP/JSON: every malformed body is an OtlpJsonError naming what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['{"resourceSpans": [', /not valid JSON/],
    ['[]', /expected a JSON object/],
    ['{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}', /traceId: expected 32 hex digits/],
    ['{"resourceSpans": [{"scopeSpans": [{"spans": [{"spanId": 5}]}]}]}', /spanId: expected a hex string/],
    ['{"resourceSpans": {"a": 1}}', /array expected/],
    ['{"resourceSpans": [{"scopeSpans": [{"spans": [{"kind": "SPAN_KIND_NOPE"}]}]}]}', /kind: unknown enum value/],
    [`{"a": ${'['.repeat(100)}${']'.repeat(100)}}`, /deeper than/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => decodeTraceRequestJson(text), (err: unknown) => err instanceof OtlpJsonError && message.test(err.message), text.slice(0, 60));
  }
});
