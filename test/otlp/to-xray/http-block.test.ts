import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHttp } from '../../../src/otlp/to-xray/http-block.js';
import { attributeMap } from '../../../src/otlp/to-xray/attribute-values.js';
import { SpanKind, type OtlpAnyValue, type OtlpSpan } from '../../../src/otlp/proto/otlp-trace-codec.js';

function attributes(o: Record<string, string | number>): Map<string, OtlpAnyValue> {
  return attributeMap(Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: v } : { stringValue: v } })));
}
function http(kind: number, o: Record<string, string | number>, events: OtlpSpan['events'] = []) {
  return makeHttp({ kind, events }, attributes(o));
}

// [rule (the Collector's http.go unless it says xrayd), kind, attributes, expected http block, attributes left]
const CASES: [string, number, Record<string, string | number>, unknown, string[]][] = [
  [
    'server URL from the stable names: server.address, server.port, url.path and url.query (given without "?")',
    SpanKind.SERVER,
    { 'http.request.method': 'GET', 'url.scheme': 'https', 'server.address': 'api.example', 'server.port': 8443, 'url.path': '/items', 'url.query': 'id=1' },
    { request: { method: 'GET', url: 'https://api.example:8443/items?id=1' }, response: { content_length: 0 } },
    [],
  ],
  [
    'server URL host order: http.server_name, net.host.name, host.name before server.address; net.host.port before server.port',
    SpanKind.SERVER,
    { 'http.method': 'GET', 'server.address': 'proxy', 'host.name': 'box', 'net.host.name': 'net-host', 'http.server_name': 'named', 'server.port': 9000, 'net.host.port': 8080 },
    { request: { method: 'GET', url: 'http://named:8080/' }, response: { content_length: 0 } },
    [],
  ],
  [
    'a query that starts with "?" is not doubled, and counts as HTTP data on its own (the path defaults to /)',
    SpanKind.SERVER,
    { 'url.query': '?q=x', 'http.host': 'shop:81' },
    { request: { url: 'http://shop:81/?q=x' }, response: { content_length: 0 } },
    [],
  ],
  [
    'http.target wins over url.path and url.query; default ports are left out',
    SpanKind.SERVER,
    { 'http.scheme': 'https', 'net.host.name': 'shop', 'net.host.port': 443, 'http.target': '/a?b=1', 'url.path': '/ignored', 'url.query': 'x=1' },
    { request: { url: 'https://shop/a?b=1' }, response: { content_length: 0 } },
    [],
  ],
  [
    'client URL from the peer: net.peer.name (else net.peer.ip) with net.peer.port',
    SpanKind.CLIENT,
    { 'http.method': 'POST', 'net.peer.ip': '10.1.2.3', 'net.peer.port': 8080, 'http.target': '/pay' },
    { request: { method: 'POST', url: 'http://10.1.2.3:8080/pay', client_ip: '10.1.2.3' }, response: { content_length: 0 } },
    [],
  ],
  [
    'xrayd: a client span naming no peer uses server.address/server.port; network.peer.address is never a URL host',
    SpanKind.CLIENT,
    { 'http.request.method': 'GET', 'network.peer.address': '10.0.0.5', 'server.address': 'inventory', 'server.port': 8081, 'url.path': '/stock' },
    { request: { method: 'GET', url: 'http://inventory:8081/stock', client_ip: '10.0.0.5' }, response: { content_length: 0 } },
    [],
  ],
  [
    'http.client_ip is a forwarded address (x_forwarded_for) only without a peer address',
    SpanKind.SERVER,
    { 'http.method': 'GET', 'http.client_ip': '203.0.113.7' },
    { request: { method: 'GET', client_ip: '203.0.113.7', x_forwarded_for: true }, response: { content_length: 0 } },
    [],
  ],
  [
    'with a peer address, the client address is still client_ip but not x_forwarded_for',
    SpanKind.SERVER,
    { 'http.method': 'GET', 'net.peer.ip': '10.0.0.1', 'http.client_ip': '203.0.113.7' },
    { request: { method: 'GET', client_ip: '203.0.113.7', url: 'http:///' }, response: { content_length: 0 } },
    [],
  ],
  [
    'client.address and network.peer.address count only as IP addresses; a host name is consumed and ignored',
    SpanKind.SERVER,
    { 'http.request.method': 'GET', 'client.address': 'laptop.local', 'network.peer.address': 'gateway' },
    { request: { method: 'GET' }, response: { content_length: 0 } },
    [],
  ],
  [
    'network.peer.address (an IP) is the client when nothing else is: no x_forwarded_for',
    SpanKind.SERVER,
    { 'http.request.method': 'GET', 'network.peer.address': '2001:db8::1' },
    { request: { method: 'GET', client_ip: '2001:db8::1', url: 'http:///' }, response: { content_length: 0 } },
    [],
  ],
  [
    'URL attributes alone make no http block, and are not repeated as metadata',
    SpanKind.CLIENT,
    { 'server.address': 'db', 'server.port': 5432, 'net.peer.name': 'db', 'client.address': '10.0.0.2', 'db.system': 'postgresql' },
    undefined,
    ['db.system'],
  ],
  [
    'xrayd: http.response.body.size is the content length',
    SpanKind.CLIENT,
    { 'http.response.status_code': 200, 'http.response.body.size': 512 },
    { request: {}, response: { status: 200, content_length: 512 } },
    [],
  ],
];

for (const [rule, kind, attrs, expected, rest] of CASES) {
  test(`http block: ${rule}`, () => {
    const out = http(kind, attrs);
    assert.deepEqual(out.http, expected);
    assert.deepEqual([...out.rest.keys()], rest);
  });
}

test('http block: without a length attribute, a RECEIVED message event gives the content length', () => {
  const events = [{ name: 'message', attributes: [{ key: 'message.type', value: { stringValue: 'RECEIVED' } }, { key: 'messaging.message_payload_size_bytes', value: { intValue: 77 } }] }];
  assert.deepEqual(http(SpanKind.CLIENT, { 'http.method': 'GET' }, events).http, { request: { method: 'GET' }, response: { content_length: 77 } });
});
