import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SocketTransport } from '../../src/xray/socket-transport.js';
import { classifyFailure } from '../../src/xray/errors.js';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './fixtures/test-tls.js';

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('keep-alive: sequential calls share one connection; the body arrives byte for byte', async () => {
  let connections = 0;
  const bodies: Buffer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'r1' }).end('{"UnprocessedTraceSegments":[]}');
    });
  });
  server.on('connection', () => connections++);
  const base = await listen(server);
  const transport = new SocketTransport({ connections: 4, noVerifySSL: false, requestTimeoutMs: 2000 });
  try {
    const body = Buffer.from('{"TraceSegmentDocuments":["{\\"id\\":\\"caf\u00e9\\"}"]}');
    for (let i = 0; i < 20; i++) {
      const res = await transport.post(new URL(`${base}/TraceSegments`), { host: new URL(base).host, 'content-type': 'application/json' }, body);
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, '{"UnprocessedTraceSegments":[]}');
      assert.equal(res.headers['x-amzn-requestid'], 'r1');
    }
    assert.equal(connections, 1);
    assert.ok(bodies.every((b) => b.equals(body)));
  } finally {
    await transport.close();
    server.closeAllConnections();
    server.close();
  }
});

/** A server that answers every request with exactly these bytes. */
async function rawServer(answer: string | ((n: number) => string), close = false): Promise<{ base: string; server: net.Server }> {
  let n = 0;
  const server = net.createServer((socket) => {
    let seen = '';
    socket.on('data', (d) => {
      seen += d.toString('latin1');
      const headEnd = seen.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0);
      if (headEnd >= 0 && seen.length >= headEnd + 4 + length) {
        seen = '';
        socket.write(typeof answer === 'string' ? answer : answer(n++));
        if (close) socket.end();
      }
    });
  });
  return { base: await listen(server), server };
}

test('answers with chunked bodies, a 100 Continue first, or a body delimited by the connection end are read whole', async () => {
  const cases = [
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n3\r\n12}\r\n0\r\n\r\n',
    'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"a":12}',
  ];
  for (const [i, answer] of cases.entries()) {
    const { base, server } = await rawServer(answer, i === 1);
    const transport = new SocketTransport({ connections: 2, noVerifySSL: false, requestTimeoutMs: 2000 });
    try {
      for (let k = 0; k < 2; k++) {
        const res = await transport.post(new URL(`${base}/x`), { host: new URL(base).host }, '{}');
        assert.equal(res.statusCode, 200);
        assert.equal(res.body, '{"a":12}');
      }
    } finally {
      await transport.close();
      server.close();
    }
  }
});

test('an oversized answer, a stall and a refused connection fail with their own errors', async () => {
  const big = await rawServer(`HTTP/1.1 200 OK\r\ncontent-length: ${2 * 1024 * 1024}\r\n\r\n`);
  const stall = net.createServer(() => {});
  const stallBase = await listen(stall);
  const refused = net.createServer();
  const refusedBase = await listen(refused);
  await new Promise((r) => refused.close(r));
  const transport = new SocketTransport({ connections: 2, noVerifySSL: false, requestTimeoutMs: 200 });
  try {
    await assert.rejects(transport.post(new URL(`${big.base}/x`), {}, '{}'), (e: Error & { code?: string }) => e.code === 'XRAYD_RESPONSE_TOO_LARGE');
    const stalled = await transport.post(new URL(`${stallBase}/x`), {}, '{}').catch((e: unknown) => e);
    assert.equal(classifyFailure({ error: stalled }), 'timeout');
    const down = await transport.post(new URL(`${refusedBase}/x`), {}, '{}').catch((e: unknown) => e);
    assert.equal(classifyFailure({ error: down }), 'refused');
    await assert.rejects(transport.post(new URL(`${big.base}/x`), { 'x-bad': 'a\r\nb' }, '{}'), /invalid character/);
  } finally {
    await transport.close();
    big.server.close();
    stall.close();
  }
});

test('https: TLS with keep-alive; a self-signed certificate is refused unless NoVerifySSL', async () => {
  let connections = 0;
  const server = https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"UnprocessedTraceSegments":[]}'));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/TraceSegments`);
  const lax = new SocketTransport({ connections: 2, noVerifySSL: true, requestTimeoutMs: 2000 });
  const strict = new SocketTransport({ connections: 2, noVerifySSL: false, requestTimeoutMs: 2000 });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await lax.post(url, { host: url.host }, '{"TraceSegmentDocuments":[]}')).statusCode, 200);
    assert.equal(connections, 1, 'one TLS session for three calls');
    await assert.rejects(strict.post(url, { host: url.host }, '{}'), (e: Error & { code?: string }) => /CERT|SELF_SIGNED/.test(e.code ?? ''));
  } finally {
    await lax.close();
    await strict.close();
    server.closeAllConnections();
    server.close();
  }
});
