// A stand-in for xrayd's local X-Ray API, for working on the console without the daemon:
// `npm run build && node console/dev/stand-in-server.mjs [port]`, then open http://127.0.0.1:PORT/.
// It invents a small shop (frontend -> orders-api -> DynamoDB, payments) and adds a trace every
// few seconds. Its filter support is deliberately tiny; the real grammar lives in src/local/.
// With `-b host:port -t host:port` it takes the daemon's flags instead: it starts empty and
// stores the segments it receives over UDP (to dry-run test/e2e/console.test.ts via XRAYD_E2E_DAEMON).
import { createServer } from 'node:http';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createConsoleRoute } from '../../dist/src/console/console-route.js';

const flag = (name) => { const i = process.argv.indexOf(name); return i < 0 ? undefined : process.argv[i + 1]; };
const daemonMode = flag('-t') !== undefined;
const port = daemonMode ? Number(flag('-t').split(':').pop()) : Number(process.argv[2] ?? 2999);
const staticDir = fileURLToPath(new URL('../../dist/console/', import.meta.url));
const hex = (n) => randomBytes(n / 2).toString('hex');
const traces = new Map();

function makeTrace(at) {
  const traceId = `1-${Math.floor(at).toString(16)}-${hex(24)}`;
  const roll = Math.random();
  const kind = roll < 0.12 ? 'fault' : roll < 0.22 ? 'notfound' : roll < 0.27 ? 'throttle' : 'ok';
  const path = ['/api/orders', '/api/orders/42', '/api/cart', '/checkout', '/health'][Math.floor(Math.random() * 5)];
  const method = path === '/checkout' ? 'POST' : 'GET';
  const dbTime = 0.004 + Math.random() * 0.03;
  const payTime = path === '/checkout' ? 0.08 + Math.random() * 0.3 : 0;
  const apiStart = at + 0.003;
  const dbStart = apiStart + 0.002;
  const apiEnd = dbStart + dbTime + payTime + 0.004;
  const end = apiEnd + 0.002;
  const status = kind === 'fault' ? 500 : kind === 'notfound' ? 404 : kind === 'throttle' ? 429 : 200;
  const callId = hex(16);
  const api = {
    trace_id: traceId, id: hex(16), parent_id: callId, name: 'orders-api', origin: 'AWS::EC2::Instance',
    start_time: apiStart, end_time: apiEnd,
    http: { request: { method, url: `http://orders-api.internal${path}` }, response: { status } },
    ...(kind === 'fault' ? { fault: true } : kind === 'notfound' ? { error: true } : kind === 'throttle' ? { error: true, throttle: true } : {}),
    annotations: { customer_tier: Math.random() < 0.3 ? 'gold' : 'standard', cart_items: Math.floor(Math.random() * 6) },
    metadata: { default: { request_id: hex(8), feature_flags: { new_pricing: true } } },
    aws: { ec2: { instance_id: 'i-0abc123def4567890', availability_zone: 'eu-west-1a' }, xray: { sdk: 'X-Ray for Node.js', sdk_version: '3.12.0' } },
    subsegments: [
      {
        id: hex(16), name: 'DynamoDB', namespace: 'aws', start_time: dbStart, end_time: dbStart + dbTime,
        http: { response: { status: kind === 'fault' ? 500 : 200 } },
        aws: { operation: kind === 'notfound' ? 'GetItem' : 'Query', table_name: 'orders', region: 'eu-west-1', request_id: hex(20).toUpperCase(), retries: 0 },
        ...(kind === 'fault' ? {
          fault: true,
          cause: { working_directory: '/srv/orders-api', exceptions: [{ id: hex(16), type: 'InternalServerError', message: 'Internal server error (Service: DynamoDB, Status Code: 500)', remote: true,
            stack: [{ path: 'node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js', line: 2301, label: 'de_QueryCommandError' },
                    { path: 'src/orders/repository.ts', line: 88, label: 'OrdersRepository.list' },
                    { path: 'src/orders/routes.ts', line: 31, label: 'listOrders' }] }] },
        } : {}),
      },
      ...(payTime > 0 ? [{
        id: hex(16), name: 'payments.example.com', namespace: 'remote', start_time: dbStart + dbTime + 0.001, end_time: dbStart + dbTime + payTime,
        http: { request: { method: 'POST', url: 'https://payments.example.com/v1/charges' }, response: { status: 201 } },
      }] : []),
      { id: hex(16), name: 'render', start_time: apiEnd - 0.003, end_time: apiEnd - 0.001, metadata: { default: { template: 'orders.json' } } },
    ],
  };
  const front = {
    trace_id: traceId, id: hex(16), name: 'web-frontend', origin: 'AWS::ECS::Container', start_time: at, end_time: end,
    http: { request: { method, url: `https://shop.example.com${path}`, client_ip: '10.0.0.12', user_agent: 'Mozilla/5.0' }, response: { status } },
    ...(kind === 'fault' ? { fault: true } : kind === 'notfound' ? { error: true } : kind === 'throttle' ? { error: true, throttle: true } : {}),
    ...(kind === 'fault' ? { cause: { exceptions: [{ id: hex(16), type: 'HttpError', message: 'orders-api answered 500', remote: true, stack: [] }] } } : {}),
    subsegments: [{ id: callId, name: 'orders-api', namespace: 'remote', start_time: apiStart - 0.001, end_time: apiEnd + 0.001,
      http: { request: { method, url: `http://orders-api.internal${path}` }, response: { status } },
      ...(kind === 'fault' ? { fault: true } : kind === 'notfound' ? { error: true } : kind === 'throttle' ? { error: true, throttle: true } : {}) }],
  };
  return { id: traceId, docs: [front, api] };
}

if (daemonMode) {
  const [host, udpPort] = flag('-b').split(':');
  const udp = createSocket('udp4');
  udp.on('message', (msg) => {
    const text = msg.toString('utf8');
    const doc = JSON.parse(text.slice(text.indexOf('\n') + 1));
    const t = traces.get(doc.trace_id) ?? { id: doc.trace_id, docs: [] };
    t.docs = [...t.docs.filter((d) => d.id !== doc.id), doc].sort((a, b) => (a.parent_id === undefined ? -1 : 0) - (b.parent_id === undefined ? -1 : 0));
    traces.set(t.id, t);
  });
  udp.bind(Number(udpPort), host);
} else {
  const now = Date.now() / 1000;
  for (let i = 60; i > 0; i--) { const t = makeTrace(now - i * 17 - Math.random() * 5); traces.set(t.id, t); }
  setInterval(() => { const t = makeTrace(Date.now() / 1000 - 0.5); traces.set(t.id, t); }, 3000).unref();
}

function summary(t) {
  const root = t.docs[0];
  const all = t.docs.flatMap(function walk(d) { return [d, ...(d.subsegments ?? []).flatMap(walk)]; });
  const start = Math.min(...t.docs.map((d) => d.start_time));
  const end = Math.max(...t.docs.map((d) => d.end_time));
  return {
    Id: t.id, StartTime: root.start_time, Duration: end - start, ResponseTime: root.end_time - root.start_time,
    HasFault: all.some((d) => d.fault === true), HasError: all.some((d) => d.error === true), HasThrottle: all.some((d) => d.throttle === true),
    IsPartial: false,
    Http: { HttpURL: root.http?.request?.url, HttpStatus: root.http?.response?.status, HttpMethod: root.http?.request?.method },
    ServiceIds: t.docs.map((d) => ({ Name: d.name, Names: [d.name], Type: d.origin })),
    EntryPoint: { Name: root.name, Names: [root.name], Type: root.origin },
  };
}

class FilterError extends Error {}
function compileFilter(text) {
  const re = /\s*(service\("([^"]*)"\)|fault|error|throttle|ok|http\.status\s*=\s*(\d+)|responsetime\s*>\s*([\d.]+)|http\.url\s+CONTAINS\s+"([^"]*)"|annotation\.(\w+)\s*=\s*"([^"]*)"|AND|OR)/iy;
  const parts = [];
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) {
      const at = pos + (text.slice(pos).length - text.slice(pos).trimStart().length);
      throw new FilterError(`Invalid filter expression: unexpected token '${text.slice(at).split(/\s/)[0]}' at position ${at}`);
    }
    parts.push(m);
    pos = re.lastIndex;
  }
  return (s, t) => {
    let result; let op = 'AND';
    for (const m of parts) {
      const tok = m[1].toUpperCase();
      if (tok === 'AND' || tok === 'OR') { op = tok; continue; }
      let v;
      if (m[2] !== undefined) v = s.ServiceIds.some((x) => x.Name === m[2]);
      else if (m[3] !== undefined) v = s.Http.HttpStatus === Number(m[3]);
      else if (m[4] !== undefined) v = s.ResponseTime > Number(m[4]);
      else if (m[5] !== undefined) v = (s.Http.HttpURL ?? '').includes(m[5]);
      else if (m[6] !== undefined) v = t.docs.some((d) => d.annotations?.[m[6]] === m[7]);
      else v = tok === 'FAULT' ? s.HasFault : tok === 'ERROR' ? s.HasError : tok === 'THROTTLE' ? s.HasThrottle : !s.HasFault && !s.HasError;
      result = result === undefined ? v : op === 'AND' ? result && v : result || v;
    }
    return result ?? true;
  };
}

function serviceGraph(startTime, endTime) {
  const nodes = new Map();
  const node = (name, type, root = false) => {
    const key = `${name}|${type}`;
    if (!nodes.has(key)) nodes.set(key, { ReferenceId: nodes.size, Name: name, Names: [name], Type: type, Root: root, State: 'active', edges: new Map(), stats: blank(), hist: new Map() });
    return nodes.get(key);
  };
  const blank = () => ({ OkCount: 0, ErrorStatistics: { ThrottleCount: 0, OtherCount: 0, TotalCount: 0 }, FaultStatistics: { OtherCount: 0, TotalCount: 0 }, TotalCount: 0, TotalResponseTime: 0 });
  const count = (st, d) => {
    const time = d.end_time - d.start_time;
    st.TotalCount++; st.TotalResponseTime += time;
    if (d.fault) { st.FaultStatistics.TotalCount++; st.FaultStatistics.OtherCount++; }
    else if (d.throttle) { st.ErrorStatistics.TotalCount++; st.ErrorStatistics.ThrottleCount++; }
    else if (d.error) { st.ErrorStatistics.TotalCount++; st.ErrorStatistics.OtherCount++; }
    else st.OkCount++;
  };
  const edge = (from, to, d) => { if (!from.edges.has(to.ReferenceId)) from.edges.set(to.ReferenceId, blank()); count(from.edges.get(to.ReferenceId), d); };
  const client = node('client', 'client');
  for (const t of traces.values()) {
    if (t.docs[0].start_time < startTime || t.docs[0].start_time > endTime) continue;
    for (const d of t.docs) {
      const n = node(d.name, d.origin, d.parent_id === undefined);
      count(n.stats, d);
      const bucket = Math.round((d.end_time - d.start_time) * 100) / 100;
      n.hist.set(bucket, (n.hist.get(bucket) ?? 0) + 1);
      if (d.parent_id === undefined) edge(client, n, d);
      for (const sub of d.subsegments ?? []) {
        if (sub.namespace === undefined) continue;
        const downstream = t.docs.find((x) => x.parent_id === sub.id);
        const target = downstream !== undefined ? node(downstream.name, downstream.origin)
          : sub.namespace === 'aws' ? node(sub.aws?.table_name ?? sub.name, 'AWS::DynamoDB::Table') : node(sub.name, 'remote');
        if (downstream === undefined) count(target.stats, sub);
        edge(n, target, sub);
      }
    }
  }
  if (client.edges.size === 0) nodes.delete('client|client');
  return [...nodes.values()].map(({ edges, stats, hist, ...rest }) => ({
    ...rest, StartTime: startTime, EndTime: endTime,
    ...(rest.Type === 'client' ? {} : { SummaryStatistics: stats }),
    ResponseTimeHistogram: [...hist].map(([Value, Count]) => ({ Value, Count })),
    Edges: [...edges].map(([ReferenceId, st]) => ({ ReferenceId, StartTime: startTime, EndTime: endTime, SummaryStatistics: st, Aliases: [] })),
  }));
}

const json = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...(status >= 400 ? { 'x-amzn-ErrorType': body.__type } : {}) });
  res.end(text);
};
const consoleRoute = createConsoleRoute(staticDir);

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (await consoleRoute(req, res, url)) return;
  let raw = '';
  for await (const chunk of req) raw += chunk;
  let body;
  try { body = raw === '' ? {} : JSON.parse(raw); } catch { return json(res, 400, { __type: 'InvalidRequestException', Message: 'Request body is not valid JSON' }); }
  if (req.method === 'POST' && url.pathname === '/TraceSummaries') {
    let match;
    try { match = compileFilter(body.FilterExpression ?? ''); } catch (err) { return json(res, 400, { __type: 'InvalidRequestException', Message: err.message }); }
    const list = [...traces.values()].map((t) => [summary(t), t]).filter(([s, t]) => s.StartTime >= body.StartTime && s.StartTime <= body.EndTime && match(s, t)).map(([s]) => s);
    return json(res, 200, { TraceSummaries: list, ApproximateTime: Date.now() / 1000, TracesProcessedCount: list.length });
  }
  if (req.method === 'POST' && url.pathname === '/Traces') {
    const found = (body.TraceIds ?? []).map((id) => traces.get(id)).filter(Boolean);
    return json(res, 200, { Traces: found.map((t) => ({ Id: t.id, Duration: summary(t).Duration, LimitExceeded: false,
      Segments: t.docs.map((d) => ({ Id: d.id, Document: JSON.stringify(d) })) })), UnprocessedTraceIds: [] });
  }
  if (req.method === 'POST' && url.pathname === '/ServiceGraph') {
    return json(res, 200, { StartTime: body.StartTime, EndTime: body.EndTime, Services: serviceGraph(body.StartTime, body.EndTime), ContainsOldGroupVersions: false });
  }
  json(res, 404, { __type: 'NotFound', Message: `no route for ${req.method} ${url.pathname}` });
}).listen(port, '127.0.0.1', () => console.log(`stand-in X-Ray API and console on http://127.0.0.1:${port}/`));
