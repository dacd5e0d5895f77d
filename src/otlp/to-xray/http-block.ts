/**
 * The segment's `http` block from HTTP semantic-convention attributes, old names (`http.method`,
 * `http.status_code`, `http.url`, `net.peer.*`...) and stable ones (`http.request.method`,
 * `http.response.status_code`, `url.full`, `server.address`...), as the Collector's
 * awsxrayexporter does in `internal/translator/http.go`: the URL is taken whole when present,
 * else assembled from scheme, host, port and target (server spans from the server's names, client
 * spans from the peer's), default ports left out. Consumed attributes are not repeated as
 * annotations or metadata. Follows the Collector's newest http.go (semconv 1.38 names).
 */
import type { OtlpSpan } from '../proto/otlp-trace-codec.js';
import { SpanKind } from '../proto/otlp-trace-codec.js';
import { ipVersion as isIP } from './ip-address.js';
import { asInt, asString, attributeMap, type Attributes } from './attribute-values.js';

export interface HttpBlock {
  request?: { method?: string; url?: string; user_agent?: string; client_ip?: string; x_forwarded_for?: boolean };
  response?: { status?: number; content_length?: number };
}

/** URL parts, under one name per meaning whatever convention carried them. */
type Part = 'url' | 'scheme' | 'host' | 'serverAddress' | 'serverPort' | 'serverName' | 'hostName' | 'netHostName' | 'hostPort' | 'peerName' | 'peerPort' | 'peerIp' | 'target' | 'path' | 'query';

/**
 * attribute -> [block, field, how to read it]. `http.response_content_length` and
 * `http.response.body.size` are xrayd's additions (the Collector leaves them to metadata).
 */
const HTTP_FIELDS: Record<string, ['request' | 'response', string, 'string' | 'int']> = {
  'http.method': ['request', 'method', 'string'],
  'http.request.method': ['request', 'method', 'string'],
  'http.user_agent': ['request', 'user_agent', 'string'],
  'user_agent.original': ['request', 'user_agent', 'string'],
  'http.status_code': ['response', 'status', 'int'],
  'http.response.status_code': ['response', 'status', 'int'],
  'http.response_content_length': ['response', 'content_length', 'int'],
  'http.response.body.size': ['response', 'content_length', 'int'],
};

/** attribute -> [part, counts as HTTP data, is a request-URL attribute], as http.go's switch sets them */
const URL_ATTRIBUTES: Record<string, [Part, boolean, boolean]> = {
  'http.url': ['url', true, true],
  'url.full': ['url', true, true],
  'http.scheme': ['scheme', true, false],
  'url.scheme': ['scheme', true, false],
  'http.host': ['host', true, true],
  'server.address': ['serverAddress', false, true],
  'http.target': ['target', true, false],
  'url.path': ['path', true, false],
  'url.query': ['query', true, false],
  'http.server_name': ['serverName', true, true],
  'net.host.port': ['hostPort', true, false],
  'server.port': ['serverPort', false, false],
  'host.name': ['hostName', false, true],
  'net.host.name': ['netHostName', false, true],
  'net.peer.name': ['peerName', false, true],
  'net.peer.port': ['peerPort', false, false],
};

/**
 * Client addresses (http.go): `http.client_ip` and `client.address` (an IP only) are the client,
 * `net.peer.ip` and `network.peer.address` (an IP only) the peer, used only when no client address
 * is given. `x_forwarded_for` is set when the client address came without a peer address.
 */
function clientAddress(key: string, value: string, state: { clientIp?: string; hasPeer: boolean }): boolean {
  switch (key) {
    case 'http.client_ip':
      state.clientIp = value;
      return true;
    case 'client.address':
      if (isIP(value)) state.clientIp = value;
      return true;
    case 'net.peer.ip':
      state.clientIp ??= value;
      state.hasPeer = true;
      return true;
    case 'network.peer.address':
      if (isIP(value)) {
        state.clientIp ??= value;
        state.hasPeer = true;
      }
      return true;
    default:
      return false;
  }
}

/** Returns the attributes left for annotations/metadata and the http block (undefined without HTTP data). */
export function makeHttp(span: OtlpSpan, attributes: Attributes): { rest: Attributes; http: HttpBlock | undefined } {
  const rest: Attributes = new Map();
  const request: NonNullable<HttpBlock['request']> = {};
  const response: NonNullable<HttpBlock['response']> = {};
  const parts: Partial<Record<Part, string>> = {};
  const client: { clientIp?: string; hasPeer: boolean } = { hasPeer: false };
  let hasHttp = false;
  let hasUrlAttributes = false;
  for (const [key, value] of attributes) {
    const field = HTTP_FIELDS[key];
    if (field) {
      const [block, name, read] = field;
      const v = read === 'int' ? asInt(value) : asString(value);
      Object.assign(block === 'request' ? request : response, { [name]: v });
      hasHttp = true;
      continue;
    }
    const text = asString(value);
    if (clientAddress(key, text, client)) {
      hasHttp ||= key === 'http.client_ip';
      hasUrlAttributes ||= key === 'net.peer.ip' || (key === 'network.peer.address' && isIP(text) !== 0);
      if (key === 'net.peer.ip') parts.peerIp = text; // a URL host for client spans; network.peer.address is not
      continue;
    }
    const known = URL_ATTRIBUTES[key];
    if (!known) {
      rest.set(key, value);
      continue;
    }
    const [part, isHttp, isUrl] = known;
    parts[part] = text;
    hasHttp ||= isHttp;
    hasUrlAttributes ||= isUrl;
  }
  if (!hasHttp) return { rest, http: undefined };
  if (client.clientIp !== undefined) {
    request.client_ip = client.clientIp;
    if (!client.hasPeer) request.x_forwarded_for = true;
  }
  if (hasUrlAttributes) request.url = span.kind === SpanKind.SERVER ? serverUrl(parts) : clientUrl(parts);
  response.content_length ??= responseSizeFromEvents(span, attributes);
  return { rest, http: { request, response } };
}

// `http.host` carries its own port; the others take the port attribute of their side
function serverUrl(p: Partial<Record<Part, string>>): string {
  if (p.url !== undefined) return p.url;
  if (p.host !== undefined) return assemble(p, p.host, '');
  return assemble(p, p.serverName ?? p.netHostName ?? p.hostName ?? p.serverAddress ?? '', p.hostPort ?? p.serverPort ?? '');
}

function clientUrl(p: Partial<Record<Part, string>>): string {
  if (p.url !== undefined) return p.url;
  if (p.host !== undefined) return assemble(p, p.host, '');
  const host = p.peerName ?? p.peerIp;
  // xrayd's addition: the stable conventions' `server.address`/`server.port` when no peer is named
  if (host === undefined && p.serverAddress !== undefined) return assemble(p, p.serverAddress, p.serverPort ?? '');
  return assemble(p, host ?? '', p.peerPort ?? '');
}

function assemble(p: Partial<Record<Part, string>>, host: string, port: string): string {
  const scheme = p.scheme ?? 'http';
  let url = `${scheme}://${host}`;
  if (port && !(scheme === 'http' && port === '80') && !(scheme === 'https' && port === '443')) url += `:${port}`;
  if (p.target !== undefined) return url + p.target;
  url += p.path ?? '/';
  if (p.query !== undefined) url += p.query.startsWith('?') ? p.query : `?${p.query}`;
  return url;
}

/** http.go `extractResponseSizeFromEvents`: a RECEIVED message event's payload size (0 when none). */
function responseSizeFromEvents(span: OtlpSpan, attributes: Attributes): number {
  const fromAttributes = (a: Attributes) => (asString(a.get('message.type')) === 'RECEIVED' ? (asInt(a.get('messaging.message_payload_size_bytes')) ?? 0) : 0);
  const own = fromAttributes(attributes);
  if (own) return own;
  for (const event of span.events ?? []) {
    const size = fromAttributes(attributeMap(event.attributes));
    if (size) return size;
  }
  return 0;
}
