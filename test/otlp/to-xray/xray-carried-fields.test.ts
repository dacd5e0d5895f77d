import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateSegments } from '../../../src/otlp/xray-to-otlp.js';
import { translateRequest, type TranslateOptions } from '../../../src/otlp/otlp-to-xray.js';
import { decodeTraceRequest, encodeTraceRequest } from '../../../src/otlp/proto/otlp-trace-codec.js';

const NOW = Math.floor(Date.now() / 1000);
const TRACE = `1-${NOW.toString(16)}-5759e988bd862e3fe1be46a9`;

/** X-Ray -> OTLP (the exporter) -> protobuf bytes -> OTLP -> X-Ray (the intake), by document id. */
function roundTrip(docs: unknown[], opts: Partial<TranslateOptions> = {}): Map<string, Record<string, unknown>> {
  const exported = translateSegments(docs);
  assert.deepEqual(exported.skipped, []);
  const wire = decodeTraceRequest(encodeTraceRequest(exported.request));
  // the local backend's defaults: index-all on
  const back = translateRequest(wire, { indexedAttributes: [], indexAllAttributes: true, ...opts });
  assert.deepEqual(back.rejected, {});
  return new Map(back.documents.map((d) => [d.id, d as Record<string, unknown>]));
}

const SEGMENT = {
  trace_id: TRACE,
  id: '1111111111111111',
  name: 'checkout',
  start_time: NOW - 1,
  end_time: NOW,
  origin: 'AWS::ECS::Fargate',
  error: true,
  throttle: true,
  http: { request: { method: 'POST', url: 'https://shop.example/pay' }, response: { status: 200 } },
  annotations: { customer: 'c-42', items: 3 },
  metadata: { default: { cart: ['a', 'b'] }, debug: { step: 2 } },
  cause: { exceptions: [{ id: 'e1e1e1e1e1e1e1e1', type: 'Declined', message: 'card declined', remote: true, cause: 'e2e2e2e2e2e2e2e2' }] },
  subsegments: [
    { id: '2222222222222222', name: 'ledger', namespace: 'local', start_time: NOW - 0.9, end_time: NOW - 0.5, fault: true },
    { id: '3333333333333333', name: 'DynamoDB', namespace: 'aws', start_time: NOW - 0.5, end_time: NOW - 0.1, precursor_ids: ['2222222222222222'], aws: { operation: 'PutItem' } },
    { id: '4444444444444444', name: 'inventory', namespace: 'remote', start_time: NOW - 0.4, end_time: NOW - 0.2 },
  ],
};

test('X-Ray -> OTLP -> X-Ray keeps the flags, origin, namespaces, precursor ids and exception ids the HTTP status would not give', () => {
  const back = roundTrip([SEGMENT]);
  const root = back.get('1111111111111111')!;
  // a 200 with aws.xray.error/throttle: the carried flags win over what the status code says
  assert.deepEqual([root.error, root.fault, root.throttle], [true, false, true]);
  assert.equal(root.origin, 'AWS::ECS::Fargate');
  assert.equal(root.namespace, undefined);
  assert.deepEqual((root.cause as { exceptions: unknown[] }).exceptions, [{ id: 'e1e1e1e1e1e1e1e1', type: 'Declined', remote: true, message: 'card declined', cause: 'e2e2e2e2e2e2e2e2' }]);

  const ledger = back.get('2222222222222222')!;
  assert.deepEqual([ledger.type, ledger.parent_id, ledger.name, ledger.namespace], ['subsegment', '1111111111111111', 'ledger', 'local']);
  assert.deepEqual([ledger.error, ledger.fault, ledger.throttle], [false, true, false]);

  const dynamo = back.get('3333333333333333')!;
  assert.deepEqual([dynamo.name, dynamo.namespace], ['DynamoDB', 'aws']);
  assert.deepEqual(dynamo.precursor_ids, ['2222222222222222']);
  assert.equal(dynamo.links, undefined, 'precursor links are not repeated as links');
  assert.equal(back.get('4444444444444444')!.namespace, 'remote');

  for (const doc of back.values()) {
    const carried = Object.keys({ ...(doc.annotations as object), ...((doc.metadata as { default?: object })?.default ?? {}) }).filter((k) => /^aws\.xray\.(error|fault|throttle|origin|namespace)$/.test(k));
    assert.deepEqual(carried, [], `no carried field left as an annotation or metadata in ${doc.name}`);
  }
});

test('X-Ray -> OTLP -> X-Ray keeps annotations as annotations and metadata namespaces as metadata, with index-all on or off', () => {
  for (const indexAllAttributes of [true, false]) {
    const root = roundTrip([SEGMENT], { indexAllAttributes }).get('1111111111111111')!;
    const annotations = root.annotations as Record<string, unknown>;
    assert.equal(annotations.customer, 'c-42', `index-all ${indexAllAttributes}`);
    assert.equal(annotations.items, 3);
    const metadata = root.metadata as Record<string, Record<string, unknown>>;
    assert.deepEqual(metadata.debug, { step: 2 });
    assert.deepEqual(metadata.default.cart, ['a', 'b']);
  }
});

test('spans without the carried attributes keep the flags the HTTP status gives (AWS rules unchanged)', () => {
  const plain = { ...SEGMENT, error: undefined, throttle: undefined, origin: undefined, cause: undefined, subsegments: undefined, http: { response: { status: 429 } } };
  const root = roundTrip([plain]).get('1111111111111111')!;
  // the exporter writes no aws.xray.error/throttle for absent flags, so the intake derives them from 429
  assert.deepEqual([root.error, root.fault, root.throttle], [true, false, true]);
  assert.equal(root.origin, undefined);
});
