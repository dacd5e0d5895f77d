import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adotExpander, decodeAdotBody, isAdotBody } from '../../src/otlp/adot-datagram.js';
import { translateRequest } from '../../src/otlp/otlp-to-xray.js';
import { OtlpStats } from '../../src/otlp/otlp-stats.js';
import { encodeTraceRequest, fromBigInt, SpanKind } from '../../src/otlp/proto/otlp-trace-codec.js';

const now = BigInt(Date.now()) * 1_000_000n;
const bytes = encodeTraceRequest({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'lambda-fn' } }] },
      scopeSpans: [
        {
          spans: [
            { traceId: Buffer.from('6931571205759e988bd862e3fe1be46a', 'hex'), spanId: Buffer.from('53995c3f42cd8ad8', 'hex'), name: 'handler', kind: SpanKind.SERVER, startTimeUnixNano: fromBigInt(now), endTimeUnixNano: fromBigInt(now + 1000n) },
            { traceId: Buffer.from('6931571205759e988bd862e3fe1be46a', 'hex'), spanId: Buffer.from('1111111111111111', 'hex'), parentSpanId: Buffer.from('53995c3f42cd8ad8', 'hex'), name: 'db', kind: SpanKind.CLIENT, startTimeUnixNano: fromBigInt(now), endTimeUnixNano: fromBigInt(now + 500n) },
          ],
        },
      ],
    },
  ],
});
const b64 = Buffer.from(bytes).toString('base64');

function expander() {
  const stats = new OtlpStats();
  const expand = adotExpander((r) => translateRequest(r, { indexedAttributes: [], indexAllAttributes: true }), stats);
  return { stats, expand };
}

test('ADOT bodies are recognised by their T1S/T1U prefix only', () => {
  assert.ok(isAdotBody(`T1S${b64}`) && isAdotBody(`T1U${b64}`));
  assert.ok(!isAdotBody('{"name":"T1S"}') && !isAdotBody('T2S') && !isAdotBody(''));
  assert.equal(decodeAdotBody(`T1S${b64}`).sampled, true);
  assert.equal(decodeAdotBody(`T1U${b64}`).sampled, false);
});

test('a T1S body becomes one segment document per span; T1U spans are counted and give none', () => {
  const { stats, expand } = expander();
  const sampled = expand(`T1S${b64}`);
  assert.ok(sampled.ok);
  const docs = sampled.documents.map((d) => JSON.parse(d) as Record<string, unknown>);
  assert.deepEqual(docs.map((d) => [d.name, d.trace_id, d.type]), [
    ['lambda-fn', '1-69315712-05759e988bd862e3fe1be46a', undefined],
    ['db', '1-69315712-05759e988bd862e3fe1be46a', 'subsegment'],
  ]);
  const unsampled = expand(`T1U${b64}`);
  assert.deepEqual(unsampled, { ok: true, documents: [] });
  assert.equal(stats.unsampledSpans, 2);
  assert.equal(stats.spansReceived, 4);
});

test('a body that is not base64 protobuf is refused with a reason and counted, never thrown', () => {
  const { stats, expand } = expander();
  for (const body of ['T1Snot base64!', 'T1S' + Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]).toString('base64'), 'T1SAAA']) {
    const out = expand(body);
    assert.equal(out.ok, false, body);
    assert.match((out as { message: string }).message, /ADOT T1S datagram could not be decoded/);
  }
  assert.equal(stats.malformedDatagrams, 3);
});
