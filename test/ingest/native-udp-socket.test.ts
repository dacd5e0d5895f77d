import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { execFileSync, spawnSync } from 'node:child_process';
import { loadNativeUdp, NativeUdpSocket } from '../../src/ingest/native-udp-socket.js';
import { REPO_ROOT, waitUntil } from '../helpers/daemon-process.js';

// the build (npm run build) compiles the addon wherever gcc is: on Linux CI it must load
const loaded = loadNativeUdp();
const addon = 'addon' in loaded ? loaded.addon : undefined;
const linuxOnly = { skip: process.platform !== 'linux' && 'the native receiver is Linux-only' };

test('the addon built by npm run build loads on Linux', linuxOnly, () => {
  assert.ok(addon, `not loaded: ${'reason' in loaded ? loaded.reason : ''}`);
});

interface Received {
  datagrams: Buffer[];
  truncated: number;
  errors: Error[];
}

async function open(host = '127.0.0.1', port = 0): Promise<{ socket: NativeUdpSocket; got: Received }> {
  const got: Received = { datagrams: [], truncated: 0, errors: [] };
  const socket = await NativeUdpSocket.open(addon!, {
    address: { host, port },
    receiveBufferBytes: 4 * 1024 * 1024,
    onDatagram: (batch, start, end) => got.datagrams.push(Buffer.from(batch.subarray(start, end))),
    onTruncated: () => got.truncated++,
    onError: (err) => got.errors.push(err),
  });
  return { socket, got };
}

async function send(messages: (string | Buffer)[], port: number, type: 'udp4' | 'udp6' = 'udp4', host = '127.0.0.1'): Promise<void> {
  const sender = dgram.createSocket(type);
  // one at a time, each confirmed by the kernel: the order on loopback is then the order sent
  for (const m of messages) await new Promise<void>((resolve, reject) => sender.send(m, port, host, (err) => (err ? reject(err) : resolve())));
  sender.close();
}

test('datagrams from a dgram sender arrive intact and in order, with the bound port and receive buffer', linuxOnly, async () => {
  const { socket, got } = await open();
  try {
    assert.equal(socket.address.host, '127.0.0.1');
    assert.ok(socket.address.port > 0);
    assert.ok(socket.receiveBufferBytes > 0);
    const messages = Array.from({ length: 500 }, (_, i) => `{"format":"json","version":1}\n{"n":${i},"pad":"${'x'.repeat(i % 97)}"}`);
    await send(messages, socket.address.port);
    await waitUntil(() => got.datagrams.length >= 500, '500 datagrams');
    assert.deepEqual(got.datagrams.map(String), messages);
    assert.equal(got.truncated, 0);
    assert.deepEqual(got.errors, []);
  } finally {
    socket.close();
  }
});

test('the largest UDP datagram (65507 bytes) and an empty one arrive whole', linuxOnly, async () => {
  const { socket, got } = await open();
  try {
    const big = Buffer.alloc(65_507, 0x61);
    big.write('{"format":"json","version":1}\n{"big":"');
    big.write('"}', 65_505);
    await send([big, Buffer.alloc(0), 'after'], socket.address.port);
    await waitUntil(() => got.datagrams.length >= 3, 'three datagrams');
    assert.equal(got.datagrams[0].length, 65_507);
    assert.ok(got.datagrams[0].equals(big));
    assert.equal(got.datagrams[1].length, 0);
    assert.equal(String(got.datagrams[2]), 'after');
  } finally {
    socket.close();
  }
});

test('IPv6 loopback', linuxOnly, async () => {
  const { socket, got } = await open('::1');
  try {
    assert.deepEqual(socket.address.host, '::1');
    await send(['over ipv6'], socket.address.port, 'udp6', '::1');
    await waitUntil(() => got.datagrams.length >= 1, 'the IPv6 datagram');
    assert.equal(String(got.datagrams[0]), 'over ipv6');
  } finally {
    socket.close();
  }
});

test('binding a busy port fails with the errno name, as dgram says it', linuxOnly, async () => {
  const busy = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => busy.bind(0, '127.0.0.1', resolve));
  const port = busy.address().port;
  try {
    await assert.rejects(open('127.0.0.1', port), (err: NodeJS.ErrnoException) => {
      assert.equal(err.code, 'EADDRINUSE');
      assert.equal(err.syscall, 'bind');
      assert.equal(err.message, `bind EADDRINUSE 127.0.0.1:${port}`);
      return true;
    });
  } finally {
    busy.close();
  }
});

test('close frees the port at once (binding it again succeeds) and is idempotent', linuxOnly, async () => {
  const first = await open();
  const port = first.socket.address.port;
  first.socket.close();
  first.socket.close();
  const again = await open('127.0.0.1', port);
  try {
    await send(['to the second socket'], port);
    await waitUntil(() => again.got.datagrams.length >= 1, 'a datagram at the rebound port');
    assert.equal(first.got.datagrams.length, 0);
  } finally {
    again.socket.close();
  }
});

test('a process that opened, received and closed the native socket exits by itself', linuxOnly, () => {
  // nothing may keep the event loop alive after close: the thread is joined, the threadsafe function released
  const script = `
    import dgram from 'node:dgram';
    import { loadNativeUdp, NativeUdpSocket } from './dist/src/ingest/native-udp-socket.js';
    let n = 0;
    const socket = await NativeUdpSocket.open(loadNativeUdp().addon, { address: { host: '127.0.0.1', port: 0 }, receiveBufferBytes: 0,
      onDatagram: () => { if (++n === 3) { socket.close(); console.log('closed after', n); } }, onTruncated() {}, onError() {} });
    const s = dgram.createSocket('udp4');
    for (let i = 0; i < 3; i++) s.send('x', socket.address.port, '127.0.0.1');
    s.unref();`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 10_000, encoding: 'utf8' });
  assert.equal(out.trim(), 'closed after 3');
});

test('process.exit while the socket is open and datagrams arrive ends cleanly, with the exit code asked for', linuxOnly, () => {
  // the environment's teardown stops the thread before the receiver's memory is freed (no crash at exit)
  const script = `
    import dgram from 'node:dgram';
    import { loadNativeUdp, NativeUdpSocket } from './dist/src/ingest/native-udp-socket.js';
    let n = 0;
    const socket = await NativeUdpSocket.open(loadNativeUdp().addon, { address: { host: '127.0.0.1', port: 0 }, receiveBufferBytes: 0,
      onDatagram: () => { if (++n === 50) process.exit(7); }, onTruncated() {}, onError() {} });
    const s = dgram.createSocket('udp4');
    for (let i = 0; i < 200; i++) s.send('x', socket.address.port, '127.0.0.1');`;
  for (let i = 0; i < 3; i++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 10_000, encoding: 'utf8' });
    assert.equal(result.status, 7, `run ${i}: ${result.signal ?? ''} ${result.stderr}`);
  }
});

test('a host name binds its IPv4 address, as the dgram path (udp4) does', linuxOnly, async () => {
  const { socket, got } = await open('localhost');
  try {
    assert.equal(socket.address.host, '127.0.0.1');
    await send(['by name'], socket.address.port);
    await waitUntil(() => got.datagrams.length >= 1, 'the datagram');
    assert.equal(String(got.datagrams[0]), 'by name');
  } finally {
    socket.close();
  }
});
