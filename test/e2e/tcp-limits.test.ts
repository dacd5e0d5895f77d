import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DaemonProcess, UdpSender, HEADER, makeSegment, waitUntil } from '../helpers/daemon-process.js';
import { call } from '../proxy/http-call.js';
import { refusals } from './browser-requests.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xrayd-limits-'));
const daemons: DaemonProcess[] = [];
const sockets: net.Socket[] = [];

after(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(daemons.map((d) => d.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(socketKeys: string, options: { maxOpenFiles?: number } = {}): Promise<DaemonProcess> {
  const file = path.join(dir, `cfg-${daemons.length}.yaml`);
  writeFileSync(file, `Version: 2\nSocket:\n${socketKeys}`);
  const d = await DaemonProcess.start(['--backend', 'local', '-c', file], {}, [], options);
  daemons.push(d);
  return d;
}

/** A raw TCP connection to the daemon that records everything it receives. */
async function connect(port: number): Promise<{ socket: net.Socket; received: () => string; closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  let data = '';
  socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
  socket.on('error', () => {}); // resets are expected when the daemon sheds connections
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, received: () => data, closed };
}

/** Sends one keep-alive request and waits for its complete answer (Content-Length bodies). */
async function exchange(conn: Awaited<ReturnType<typeof connect>>, request: string): Promise<string> {
  const start = conn.received().length;
  conn.socket.write(request);
  await waitUntil(() => {
    const text = conn.received().slice(start);
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return false;
    const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
    return text.length >= end + 4 + length;
  }, 'an HTTP answer');
  return conn.received().slice(start);
}

const HEALTHZ = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

async function metric(port: number, name: string): Promise<number> {
  const res = await call(`http://127.0.0.1:${port}`, 'GET', '/metrics');
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(res.body)?.[1]);
}

test('past Socket.MaxConnections a request gets 503 + Retry-After; a freed slot serves again', async () => {
  const d = await start('  MaxConnections: 4\n  IdleTimeoutMs: 60000\n');
  const held = [];
  for (let i = 0; i < 4; i++) {
    const c = await connect(d.tcpPort);
    assert.match(await exchange(c, HEALTHZ), /^HTTP\/1\.1 200/);
    held.push(c);
  }
  const fifth = await connect(d.tcpPort);
  const answer = await exchange(fifth, HEALTHZ);
  assert.match(answer, /^HTTP\/1\.1 503/);
  assert.match(answer, /retry-after: 1/i);
  assert.match(answer, /x-amzn-errortype: ServiceUnavailableException/i);
  await fifth.closed; // the daemon closes it
  held[0].socket.destroy();
  await waitUntil(async () => (await call(`http://127.0.0.1:${d.tcpPort}`, 'GET', '/healthz')).status === 200, 'a freed connection slot');
  assert.ok((await refusals(d.tcpPort)).connections >= 1);
});

test('past Socket.MaxInFlightBodyBytes a request body gets 503 + Retry-After until the bytes in flight are received', async () => {
  const d = await start('  MaxInFlightBodyBytes: 100000\n');
  const payload = JSON.stringify({ TraceSegmentDocuments: [makeSegment().text] });
  const big = payload + ' '.repeat(90_000 - payload.length);
  const slow = await connect(d.tcpPort);
  slow.socket.write(`POST /TraceSegments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n${big.slice(0, 10)}`);
  await waitUntil(async () => (await metric(d.tcpPort, 'xrayd_http_body_bytes_in_flight')) === 90_000, 'the slow body to be admitted');

  const second = await call(`http://127.0.0.1:${d.tcpPort}`, 'POST', '/TraceSegments', { headers: { 'content-type': 'application/json' }, body: payload + ' '.repeat(20_000) });
  assert.equal(second.status, 503);
  assert.equal(second.headers['retry-after'], '1');
  const chunked = await call(`http://127.0.0.1:${d.tcpPort}`, 'POST', '/TraceSegments', { headers: { 'content-type': 'application/json' }, stream: (write) => write(Buffer.from(payload)) });
  assert.equal(chunked.status, 503, 'a chunked body of unknown length counts as the largest allowed body');
  assert.ok((await refusals(d.tcpPort))['body-bytes'] >= 2);
  assert.equal((await call(`http://127.0.0.1:${d.tcpPort}`, 'GET', '/healthz')).status, 200, 'bodiless requests are still served');

  slow.socket.write(big.slice(10));
  await waitUntil(() => /^HTTP\/1\.1 200/.test(slow.received()), 'the slow request to complete');
  await waitUntil(async () => (await metric(d.tcpPort, 'xrayd_http_body_bytes_in_flight')) === 0, 'the reservation to be released');
  const again = await call(`http://127.0.0.1:${d.tcpPort}`, 'POST', '/TraceSegments', { headers: { 'content-type': 'application/json' }, body: payload + ' '.repeat(20_000) });
  assert.equal(again.status, 200, again.body);
});

test('slowloris: headers trickled past Socket.HeadersTimeoutMs get 408 and the socket is closed', async () => {
  const d = await start('  HeadersTimeoutMs: 1000\n  RequestTimeoutMs: 2000\n');
  const trickle = await connect(d.tcpPort);
  const silent = await connect(d.tcpPort);
  trickle.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  // one header line every 100 ms: never idle, never complete
  let n = 0;
  const timer = setInterval(() => trickle.socket.write(`X-Slow-${n++}: a\r\n`), 100);
  try {
    await Promise.race([
      Promise.all([trickle.closed, silent.closed]),
      new Promise((_, reject) => setTimeout(() => reject(new Error('sockets not closed within 10 s')), 10_000)),
    ]);
  } finally {
    clearInterval(timer);
  }
  assert.match(trickle.received(), /^HTTP\/1\.1 408/);
  assert.equal((await call(`http://127.0.0.1:${d.tcpPort}`, 'GET', '/healthz')).status, 200, 'the daemon keeps serving');
});

test('EMFILE: with ulimit -n 64 and a flood of connections the daemon stays up, keeps receiving UDP, and answers /healthz within 2 s once they close', async () => {
  const d = await start('', { maxOpenFiles: 64 });
  const flood = await Promise.all(Array.from({ length: 150 }, () => connect(d.tcpPort).catch(() => undefined)));
  // at the fd limit libuv accepts and closes what it cannot keep: some of the flood is cut, the rest held
  let cut = 0;
  for (const c of flood) void c?.closed.then(() => cut++);
  await waitUntil(() => cut > 0, 'connections past the fd limit to be closed');
  assert.ok(readdirSync(`/proc/${d.pid}/fd`).length >= 60, 'the daemon is at its fd limit');

  const udp = new UdpSender(d.udpPort);
  const segments = Array.from({ length: 5 }, () => makeSegment({ name: 'during-emfile' }));
  try {
    for (const s of segments) await udp.send(HEADER + s.text);
  } finally {
    udp.close();
  }

  for (const c of flood) c?.socket.destroy();
  const closedAt = Date.now();
  await waitUntil(async () => {
    try {
      return (await call(`http://127.0.0.1:${d.tcpPort}`, 'GET', '/healthz', { deadlineMs: 500 })).status === 200;
    } catch {
      return false;
    }
  }, '/healthz after the flood', 2000);
  assert.ok(Date.now() - closedAt <= 2500);
  const health = (await call(`http://127.0.0.1:${d.tcpPort}`, 'GET', '/healthz')).body;
  assert.ok((JSON.parse(health) as { counters: { received: number } }).counters.received >= 5, health);
  const traceIds = segments.map((s) => (JSON.parse(s.text) as { trace_id: string }).trace_id);
  await waitUntil(async () => {
    const found = await call(`http://127.0.0.1:${d.tcpPort}`, 'POST', '/Traces', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ TraceIds: traceIds }) });
    return (JSON.parse(found.body) as { Traces: unknown[] }).Traces.length === 5;
  }, 'the segments sent during EMFILE to be stored');
});

test('the OTLP port has its own connection cap (503 + Retry-After) and header timeout (408), and the TCP port keeps serving', async () => {
  const d = await start('  MaxConnections: 2\n  IdleTimeoutMs: 60000\n  HeadersTimeoutMs: 1000\n  RequestTimeoutMs: 2000\n');
  const OTLP_GET = 'GET /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  const held = [];
  for (let i = 0; i < 2; i++) {
    const c = await connect(d.otlpPort);
    assert.match(await exchange(c, OTLP_GET), /^HTTP\/1\.1 405/);
    held.push(c);
  }
  await waitUntil(async () => (await metric(d.tcpPort, 'xrayd_otlp_http_connections')) === 2, 'the OTLP connections to be counted');
  const third = await connect(d.otlpPort);
  const answer = await exchange(third, OTLP_GET);
  assert.match(answer, /^HTTP\/1\.1 503/);
  assert.match(answer, /retry-after: 1/i);
  await third.closed;
  assert.equal((await call(`http://127.0.0.1:${d.tcpPort}`, 'GET', '/healthz')).status, 200, 'the TCP port counts its own connections');
  assert.ok((await refusals(d.tcpPort)).connections >= 1);

  for (const c of held) c.socket.destroy();
  // the daemon sees the closes asynchronously: a connection made before that is still over the cap
  await waitUntil(async () => (await metric(d.tcpPort, 'xrayd_otlp_http_connections')) === 0, 'the held OTLP connections to close');
  const trickle = await connect(d.otlpPort);
  trickle.socket.write('POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  let n = 0;
  const timer = setInterval(() => trickle.socket.write(`X-Slow-${n++}: a\r\n`), 100);
  try {
    await Promise.race([trickle.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('socket not closed within 10 s')), 10_000))]);
  } finally {
    clearInterval(timer);
  }
  assert.match(trickle.received(), /^HTTP\/1\.1 408/);
});
