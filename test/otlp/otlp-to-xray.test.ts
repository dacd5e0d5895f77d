import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateRequest, translateSpan, type TranslateOptions } from '../../src/otlp/otlp-to-xray.js';
import { SpanKind, StatusCode, fromBigInt, type OtlpAnyValue, type OtlpKeyValue, type OtlpSpan } from '../../src/otlp/proto/otlp-trace-codec.js';
import { attributeMap } from '../../src/otlp/to-xray/attribute-values.js';

const NOW = 1_764_841_234; // 2025-12-04, seconds
const TRACE = `${NOW.toString(16)}5759e988bd862e3fe1be46a9`;
const XRAY_TRACE = `1-${TRACE.slice(0, 8)}-${TRACE.slice(8)}`;
const START = BigInt(NOW) * 1_000_000_000n + 123_456_000n;

function value(v: unknown): OtlpAnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(value) } };
  throw new Error(`no test value for ${String(v)}`);
}
function attrs(o: Record<string, unknown> = {}): OtlpKeyValue[] {
  return Object.entries(o).map(([key, v]) => ({ key, value: value(v) }));
}
function span(p: Partial<OtlpSpan> & { attributes?: OtlpKeyValue[] } = {}): OtlpSpan {
  return {
    traceId: Buffer.from(TRACE, 'hex'),
    spanId: Buffer.from('53995c3f42cd8ad8', 'hex'),
    name: 'GET /cart',
    kind: SpanKind.SERVER,
    startTimeUnixNano: fromBigInt(START),
    endTimeUnixNano: fromBigInt(START + 250_000_000n),
    ...p,
  };
}
const PARENT = Buffer.from('aaaaaaaaaaaaaaaa', 'hex');
const OFF: TranslateOptions = { indexedAttributes: [], indexAllAttributes: false, newId: counter() };
function counter(): () => string {
  let n = 0;
  return () => (++n).toString(16).padStart(16, '0');
}
const RESOURCE = { 'service.name': 'cart', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.version': '2.12.1' };

function one(s: OtlpSpan, resource: Record<string, unknown> = RESOURCE, opts: Partial<TranslateOptions> = {}): Record<string, unknown> {
  const out = translateSpan(s, attributeMap(attrs(resource)), { ...OFF, newId: counter(), ...opts });
  assert.ok(Array.isArray(out), `rejected: ${String(out)}`);
  assert.equal(out.length, 1);
  return out[0];
}

// [name, span, resource, options, expected subset of the document]
const CASES: [string, OtlpSpan, Record<string, unknown> | undefined, Partial<TranslateOptions>, Record<string, unknown>][] = [
  [
    'a root SERVER span is a segment named after service.name, with the X-Ray trace id and times in seconds',
    span(),
    undefined,
    {},
    { id: '53995c3f42cd8ad8', trace_id: XRAY_TRACE, name: 'cart', start_time: NOW + 0.123456, end_time: NOW + 0.373456, fault: false, error: false, throttle: false },
  ],
  [
    'stable HTTP names fill the http block; 503 is a fault',
    span({ attributes: attrs({ 'http.request.method': 'POST', 'url.full': 'https://shop.example/cart?id=1', 'http.response.status_code': 503, 'user_agent.original': 'curl/8', 'client.address': '10.0.0.9' }) }),
    undefined,
    {},
    {
      fault: true,
      error: false,
      http: { request: { method: 'POST', url: 'https://shop.example/cart?id=1', user_agent: 'curl/8', client_ip: '10.0.0.9', x_forwarded_for: true }, response: { status: 503, content_length: 0 } },
    },
  ],
  [
    'old HTTP names on a server span assemble the URL from scheme, host name, port and target',
    span({ attributes: attrs({ 'http.method': 'GET', 'http.scheme': 'http', 'net.host.name': 'api.local', 'net.host.port': 8080, 'http.target': '/cart', 'http.status_code': 404 }) }),
    undefined,
    {},
    { error: true, fault: false, throttle: false, http: { request: { method: 'GET', url: 'http://api.local:8080/cart' }, response: { status: 404, content_length: 0 } } },
  ],
  [
    '429 is an error and a throttle',
    span({ attributes: attrs({ 'http.response.status_code': 429 }) }),
    undefined,
    {},
    { error: true, throttle: true, fault: false },
  ],
  [
    'a CLIENT span with a parent is a remote subsegment named after the peer; its URL comes from the peer',
    span({
      kind: SpanKind.CLIENT,
      parentSpanId: PARENT,
      attributes: attrs({ 'http.request.method': 'GET', 'server.address': 'inventory', 'server.port': 443, 'url.scheme': 'https', 'url.path': '/items', 'net.peer.name': 'inventory' }),
    }),
    undefined,
    {},
    { type: 'subsegment', parent_id: 'aaaaaaaaaaaaaaaa', namespace: 'remote', name: 'inventory', http: { request: { method: 'GET', url: 'https://inventory/items' }, response: { content_length: 0 } } },
  ],
  [
    'peer.service names a client call before any other attribute',
    span({ kind: SpanKind.CLIENT, parentSpanId: PARENT, attributes: attrs({ 'peer.service': 'payments', 'net.peer.name': 'pay.internal' }) }),
    undefined,
    {},
    { name: 'payments', namespace: 'remote' },
  ],
  [
    'an INTERNAL child span is a subsegment named after the span, invalid characters removed, no namespace',
    span({ kind: SpanKind.INTERNAL, parentSpanId: PARENT, name: 'render <cart> page!' }),
    undefined,
    {},
    { type: 'subsegment', name: 'render cart page' },
  ],
  [
    'status ERROR without an HTTP status is a fault, its message one exception',
    span({ status: { code: StatusCode.ERROR, message: 'db timeout' } }),
    undefined,
    {},
    { fault: true, error: false, cause: { exceptions: [{ id: '0000000000000001', message: 'db timeout' }] } },
  ],
  [
    'exception events become cause.exceptions with V8 stack frames (nodejs)',
    span({
      kind: SpanKind.CLIENT,
      parentSpanId: PARENT,
      status: { code: StatusCode.ERROR },
      events: [
        {
          name: 'exception',
          attributes: attrs({
            'exception.type': 'TypeError',
            'exception.message': 'x is undefined',
            'exception.stacktrace': 'TypeError: x is undefined\n    at handler (/app/cart.js:12:5)\n    at /app/server.js:40:3',
          }),
        },
      ],
    }),
    undefined,
    {},
    {
      fault: true,
      cause: {
        exceptions: [
          {
            id: '0000000000000001',
            type: 'TypeError',
            message: 'x is undefined',
            remote: true,
            stack: [
              { path: '/app/cart.js', line: 12, label: 'handler' },
              { path: '/app/server.js', line: 40, label: '' },
            ],
          },
        ],
      },
    },
  ],
  [
    'an AWS SDK call is named after the service, namespace aws, with its aws block',
    span({
      kind: SpanKind.CLIENT,
      parentSpanId: PARENT,
      name: 'DynamoDB.GetItem',
      attributes: attrs({ 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'aws.region': 'eu-west-1', 'aws.dynamodb.table_names': ['orders'], 'aws.request_id': 'R1' }),
    }),
    undefined,
    {},
    { name: 'DynamoDB', namespace: 'aws', aws: { operation: 'GetItem', remote_region: 'eu-west-1', request_id: 'R1', table_name: 'orders', xray: { sdk: 'opentelemetry for nodejs', sdk_version: '2.12.1', auto_instrumentation: false } } },
  ],
  [
    'an SQL database call gets the sql block and is named <db>@<host>',
    span({
      kind: SpanKind.CLIENT,
      parentSpanId: PARENT,
      name: 'SELECT orders',
      attributes: attrs({ 'db.system': 'postgresql', 'db.name': 'shop', 'db.connection_string': 'jdbc:postgresql://db.local:5432', 'db.statement': 'SELECT * FROM orders', 'db.user': 'app' }),
    }),
    undefined,
    {},
    { name: 'shop@db.local', sql: { url: 'SELECT orders', connection_string: 'jdbc:postgresql://db.local:5432/shop', database_type: 'postgresql', user: 'app', sanitized_query: 'SELECT * FROM orders' } },
  ],
  [
    'index-all turns every scalar attribute into an annotation (keys fixed) and drops lists',
    span({ attributes: attrs({ customer: 'c-42', 'cart.items': 3, 'pay-method': 'card', tags: ['a', 'b'], 'enduser.id': 'u-7' }) }),
    { 'service.name': 'cart' },
    { indexAllAttributes: true },
    { user: 'u-7', annotations: { customer: 'c-42', 'cart.items': 3, pay_method: 'card', 'otel.resource.service.name': 'cart' } },
  ],
  [
    'without index-all, listed attributes and aws.xray.annotations are annotations, the rest metadata with the resource',
    span({ attributes: attrs({ customer: 'c-42', tier: 'gold', note: 'x', 'aws.xray.annotations': ['tier'], 'aws.xray.metadata.debug': '{"step":2}' }) }),
    { 'service.name': 'cart' },
    { indexedAttributes: ['customer'] },
    { annotations: { customer: 'c-42', tier: 'gold' }, metadata: { debug: { step: 2 }, default: { note: 'x', 'otel.resource.service.name': 'cart' } } },
  ],
  [
    'an EC2 resource sets the origin and the aws.ec2 block',
    span(),
    { 'service.name': 'cart', 'cloud.provider': 'aws', 'cloud.platform': 'aws_ec2', 'host.id': 'i-0abc', 'cloud.availability_zone': 'eu-west-1a' },
    {},
    { origin: 'AWS::EC2::Instance', aws: { ec2: { instance_id: 'i-0abc', availability_zone: 'eu-west-1a' }, xray: { auto_instrumentation: false } } },
  ],
  [
    'a SERVER span named by aws.local.service keeps no aws namespace even with aws.service set',
    span({ attributes: attrs({ 'aws.local.service': 'checkout', 'aws.service': 'S3' }) }),
    undefined,
    {},
    { name: 'checkout', namespace: undefined },
  ],
  [
    'aws.service names the call and sets namespace aws when the earlier rules give an empty name',
    span({ kind: SpanKind.CLIENT, parentSpanId: PARENT, attributes: attrs({ 'peer.service': '', 'aws.service': 'SQS' }) }),
    undefined,
    {},
    { name: 'SQS', namespace: 'aws' },
  ],
  [
    'peer.service before aws.service: the name is the peer, the namespace remote (CLIENT)',
    span({ kind: SpanKind.CLIENT, parentSpanId: PARENT, attributes: attrs({ 'peer.service': 'queue-proxy', 'aws.service': 'SQS' }) }),
    undefined,
    {},
    { name: 'queue-proxy', namespace: 'remote' },
  ],
  [
    'a root CLIENT span is a segment, still namespace remote (as the Collector writes it)',
    span({ kind: SpanKind.CLIENT, name: 'cron-call' }),
    undefined,
    {},
    { type: undefined, namespace: 'remote', name: 'cron-call' },
  ],
  [
    'a PRODUCER subsegment to a named remote service gets namespace remote; an INTERNAL one does not',
    span({ kind: SpanKind.PRODUCER, parentSpanId: PARENT, attributes: attrs({ 'aws.remote.service': 'orders-topic' }) }),
    undefined,
    {},
    { type: 'subsegment', name: 'orders-topic', namespace: 'remote' },
  ],
  [
    'name order: db.name comes before the resource service.name on a SERVER span',
    span({ attributes: attrs({ 'db.name': 'ledger' }) }),
    undefined,
    {},
    { name: 'ledger' },
  ],
  [
    'name order for other spans: rpc.service, then http.host, then net.peer.name; service.name is for SERVER spans only',
    span({ kind: SpanKind.INTERNAL, parentSpanId: PARENT, attributes: attrs({ 'net.peer.name': 'peer', 'http.host': 'host:8080', 'rpc.service': 'Billing' }) }),
    undefined,
    {},
    { name: 'Billing' },
  ],
  [
    'HTTP 500 with status UNSET is a fault; the HTTP status decides over the span status',
    span({ attributes: attrs({ 'http.status_code': 500 }) }),
    undefined,
    {},
    { fault: true, error: false, throttle: false },
  ],
  [
    'HTTP 404 with status ERROR is an error, not a fault',
    span({ status: { code: StatusCode.ERROR, message: 'not found' }, attributes: attrs({ 'http.response.status_code': 404 }) }),
    undefined,
    {},
    { fault: false, error: true, cause: { exceptions: [{ id: '0000000000000001', message: 'not found' }] } },
  ],
  [
    'status ERROR without a message takes http.status_text, which is then not metadata',
    span({ status: { code: StatusCode.ERROR }, attributes: attrs({ 'http.status_text': 'Bad Gateway', other: 'x' }) }),
    undefined,
    {},
    { fault: true, cause: { exceptions: [{ id: '0000000000000001', message: 'Bad Gateway' }] }, metadata: { default: { other: 'x', 'otel.resource.service.name': 'cart', 'otel.resource.telemetry.sdk.language': 'nodejs', 'otel.resource.telemetry.sdk.name': 'opentelemetry', 'otel.resource.telemetry.sdk.version': '2.12.1' } } },
  ],
  [
    'AWS SDK "HTTP request failure" events become remote aws.http.error.event exceptions',
    span({
      kind: SpanKind.CLIENT,
      parentSpanId: PARENT,
      attributes: attrs({ 'rpc.system': 'aws-api', 'rpc.service': 'S3', 'http.response.status_code': 503 }),
      events: [{ name: 'HTTP request failure', timeUnixNano: fromBigInt(START), attributes: attrs({ 'http.response.status_code': 503, 'aws.http.error_message': 'SlowDown' }) }],
    }),
    undefined,
    {},
    { fault: true, cause: { exceptions: [{ id: '0000000000000001', type: 'aws.http.error.event', remote: true, message: `503@${NOW}.123456@SlowDown` }] } },
  ],
  [
    'Java stack traces: frames, and each "Caused by:" as a further exception linked by cause',
    span({
      events: [
        {
          name: 'exception',
          attributes: attrs({
            'exception.type': 'java.lang.IllegalStateException',
            'exception.message': 'boom',
            'exception.stacktrace': 'java.lang.IllegalStateException: boom\n\tat com.shop.Cart.add(Cart.java:42)\nCaused by: java.io.IOException: disk\n\tat com.shop.Disk.write(Disk.java:7)\n\t... 3 more',
          }),
        },
      ],
    }),
    { 'service.name': 'cart', 'telemetry.sdk.language': 'java' },
    {},
    {
      cause: {
        exceptions: [
          { id: '0000000000000001', type: 'java.lang.IllegalStateException', remote: false, message: 'boom', stack: [{ path: 'Cart.java', line: 42, label: 'com.shop.Cart.add' }], cause: '0000000000000002' },
          { id: '0000000000000002', type: 'java.io.IOException', remote: false, message: 'disk', stack: [{ path: 'Disk.java', line: 7, label: 'com.shop.Disk.write' }] },
        ],
      },
    },
  ],
  [
    'resource attributes are otel.resource.* metadata on segments; a configured attribute consumed by the http block comes back as an annotation',
    span({ attributes: attrs({ 'http.method': 'GET', customer: 'c-1' }) }),
    { 'service.name': 'cart', 'deployment.environment': 'dev' },
    { indexedAttributes: ['http.method', 'otel.resource.deployment.environment'] },
    { annotations: { 'http.method': 'GET', 'otel.resource.deployment.environment': 'dev' }, metadata: { default: { customer: 'c-1', 'otel.resource.service.name': 'cart' } } },
  ],
  [
    'span links keep their trace id, id and attributes',
    span({ links: [{ traceId: Buffer.from(TRACE, 'hex'), spanId: PARENT, attributes: attrs({ reason: 'retry' }) }] }),
    undefined,
    {},
    { links: [{ trace_id: XRAY_TRACE, id: 'aaaaaaaaaaaaaaaa', attributes: { reason: 'retry' } }] },
  ],
];

for (const [name, s, resource, opts, expected] of CASES) {
  test(`translation: ${name}`, () => {
    const doc = one(s, resource ?? RESOURCE, opts);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(doc[k], v, `field ${k} of ${JSON.stringify(doc)}`);
  });
}

test('a subsegment carries no resource metadata and no type/parent on a SERVER span with a remote parent', () => {
  const sub = one(span({ kind: SpanKind.INTERNAL, parentSpanId: PARENT }), { 'service.name': 'cart' });
  assert.equal(sub.metadata, undefined);
  const server = one(span({ parentSpanId: PARENT }), { 'service.name': 'cart' });
  assert.equal(server.type, undefined);
  assert.equal(server.parent_id, 'aaaaaaaaaaaaaaaa');
  assert.equal(server.name, 'cart');
});

test('trace ids: zero or short ids are rejected; ids without a recent epoch only when X-Ray ids are required', () => {
  const opts = { ...OFF };
  assert.equal(translateSpan(span({ traceId: new Uint8Array(16) }), new Map(), opts), 'invalid-id');
  assert.equal(translateSpan(span({ spanId: new Uint8Array(3) }), new Map(), opts), 'invalid-id');
  const w3c = span({ traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex') });
  assert.equal((translateSpan(w3c, new Map(), opts) as Record<string, unknown>[])[0].trace_id, '1-0af76519-16cd43dd8448eb211c80319c');
  assert.equal(translateSpan(w3c, new Map(), { ...opts, xrayIdsAt: NOW }), 'non-xray-trace-id');
  assert.ok(Array.isArray(translateSpan(span(), new Map(), { ...opts, xrayIdsAt: NOW + 3600 })));
  assert.equal(translateSpan(span(), new Map(), { ...opts, xrayIdsAt: NOW + 29 * 86400 }), 'non-xray-trace-id');
});

test('an ADOT LOCAL_ROOT client span becomes the service segment plus the dependency subsegment', () => {
  const s = span({ kind: SpanKind.CLIENT, attributes: attrs({ 'aws.span.kind': 'LOCAL_ROOT', 'aws.local.service': 'cart', 'aws.remote.service': 'AWS::S3', 'rpc.system': 'aws-api', 'http.request.method': 'GET' }) });
  const out = translateSpan(s, attributeMap(attrs({ 'service.name': 'cart' })), { ...OFF, newId: counter() }) as Record<string, unknown>[];
  assert.equal(out.length, 2);
  const [dependency, service] = out;
  assert.equal(service.id, '0000000000000001');
  assert.equal(service.name, 'cart');
  assert.equal(service.type, undefined);
  assert.equal(service.http, undefined);
  assert.deepEqual([dependency.type, dependency.parent_id, dependency.name, dependency.namespace], ['subsegment', '0000000000000001', 'S3', 'aws']);
});

test('translateRequest counts spans and rejections per reason across resources and scopes', () => {
  const result = translateRequest(
    {
      resourceSpans: [
        { resource: { attributes: attrs({ 'service.name': 'a' }) }, scopeSpans: [{ spans: [span(), span({ traceId: new Uint8Array(16) })] }] },
        { resource: { attributes: attrs({ 'service.name': 'b' }) }, scopeSpans: [{ spans: [span({ spanId: Buffer.from('1111111111111111', 'hex') })] }, {}] },
      ],
    },
    OFF,
  );
  assert.equal(result.spans, 2);
  assert.deepEqual(result.rejected, { 'invalid-id': 1 });
  assert.deepEqual(result.documents.map((d) => d.name), ['a', 'b']);
});
