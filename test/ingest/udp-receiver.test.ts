import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import dgram from 'node:dgram';
import { UdpReceiver, usableReceiveBuffer } from '../../src/ingest/udp-receiver.js';
import { resetNativeUdpForTest } from '../../src/ingest/native-udp-socket.js';
import type { RejectReason } from '../../src/ingest/datagram.js';
import { waitUntil } from '../helpers/daemon-process.js';

const KINDS = process.platform === 'linux' ? (['native', 'dgram'] as const) : (['dgram'] as const);

function capture() {
  const lines: { msg: string; asked?: number; granted?: number; reason?: string; receiver?: string }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

const WARNING = 'kernel granted a smaller UDP receive buffer (raise net.core.rmem_max to absorb bursts)';

async function warningsFor(receiveBufferBytes: number, kind: 'native' | 'dgram') {
  const { lines, logger } = capture();
  const udp = new UdpReceiver({
    address: { host: '127.0.0.1', port: 0 },
    kind,
    receiveBufferBytes,
    logger,
    onDocument() {},
    onReceived() {},
    onRejected() {},
  });
  await udp.start();
  await udp.shutdown();
  await new Promise((r) => setImmediate(r));
  return lines.filter((l) => l.msg === WARNING);
}

test('Linux reports SO_RCVBUF doubled: the usable size is half of it; other systems report it as set', () => {
  assert.equal(usableReceiveBuffer(2 * 212_992, 'linux'), 212_992);
  assert.equal(usableReceiveBuffer(65_536, 'darwin'), 65_536);
});

for (const kind of KINDS) {
  test(`${kind}: no warning when the kernel granted the buffer asked for (below net.core.rmem_max)`, { skip: process.platform !== 'linux' && 'reads Linux sysctls' }, async () => {
    assert.deepEqual(await warningsFor(64 * 1024, kind), []);
  });

  test(`${kind}: a warning naming what was granted when net.core.rmem_max capped the buffer`, { skip: process.platform !== 'linux' && 'reads Linux sysctls' }, async () => {
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    // asking for exactly twice the cap: the kernel reports 2 x rmem_max, which the old comparison took as granted
    const warnings = await warningsFor(2 * rmemMax, kind);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].asked, 2 * rmemMax);
    assert.equal(warnings[0].granted, rmemMax);
  });

  test(`${kind}: documents pass as Buffers, malformed datagrams are rejected with their reason, empty ones ignored`, async () => {
    const { lines, logger } = capture();
    const documents: string[] = [];
    const rejected: [RejectReason, string][] = [];
    let received = 0;
    const udp = new UdpReceiver({
      address: { host: '127.0.0.1', port: 0 },
      kind,
      receiveBufferBytes: 0,
      logger,
      onDocument: (body) => {
        assert.ok(Buffer.isBuffer(body));
        documents.push(String(body));
      },
      onReceived: () => received++,
      onRejected: (reason, datagram) => rejected.push([reason, String(datagram)]),
    });
    await udp.start();
    assert.equal(udp.kind, kind);
    const sender = dgram.createSocket('udp4');
    const datagrams = ['{"format":"json","version":1}\n{"a":1}', 'no newline', '', '{"format":"json","version":1}\n', '{"format":"json","version":2}\n{"v":2}', '{"format": "json", "version": 1}\n{"b":2}', '{ "version":1,"FORMAT":"JSON"}\n{"c":3}'];
    try {
      for (const d of datagrams) await new Promise<void>((resolve, reject) => sender.send(d, udp.address!.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      await waitUntil(() => documents.length + rejected.length >= 6, 'six non-empty datagrams handled');
    } finally {
      sender.close();
      await udp.shutdown();
    }
    assert.deepEqual(documents, ['{"a":1}', '{"b":2}', '{"c":3}']);
    assert.deepEqual(rejected, [
      ['no-newline', 'no newline'],
      ['empty-body', '{"format":"json","version":1}\n'],
      ['bad-header', '{"format":"json","version":2}\n{"v":2}'],
    ]);
    assert.equal(received, 6, 'the empty datagram is not counted as received');
    assert.equal(lines.find((l) => l.msg === 'listening for segments on UDP')?.receiver, kind);
    assert.equal(udp.bound, false);
  });
}

test('auto falls back to dgram, with one info line saying why, when the addon cannot be loaded', async () => {
  resetNativeUdpForTest('cannot load ../../native/udp-recv.node (test)');
  try {
    const { lines, logger } = capture();
    const documents: string[] = [];
    const udp = new UdpReceiver({ address: { host: '127.0.0.1', port: 0 }, kind: 'auto', receiveBufferBytes: 0, logger, onDocument: (b) => documents.push(String(b)), onReceived() {}, onRejected() {} });
    await udp.start();
    const sender = dgram.createSocket('udp4');
    sender.send('{"format":"json","version":1}\n{"via":"dgram"}', udp.address!.port, '127.0.0.1');
    await waitUntil(() => documents.length === 1, 'the document through dgram');
    sender.close();
    await udp.shutdown();
    assert.equal(udp.kind, 'dgram');
    const why = lines.filter((l) => l.msg === 'receiving UDP with node:dgram: the native receiver is not available');
    assert.equal(why.length, 1);
    assert.equal(why[0].reason, 'cannot load ../../native/udp-recv.node (test)');
  } finally {
    resetNativeUdpForTest();
  }
});

test('native forced but unavailable: start fails naming Socket.UDPReceiver and the reason', async () => {
  resetNativeUdpForTest('the native receiver is Linux-only (this is test)');
  try {
    const udp = new UdpReceiver({ address: { host: '127.0.0.1', port: 0 }, kind: 'native', receiveBufferBytes: 0, logger: capture().logger, onDocument() {}, onReceived() {}, onRejected() {} });
    await assert.rejects(udp.start(), /--udp-receiver \(Socket\.UDPReceiver\) is native, but the native receiver is Linux-only \(this is test\)/);
    assert.equal(udp.bound, false);
  } finally {
    resetNativeUdpForTest();
  }
});
